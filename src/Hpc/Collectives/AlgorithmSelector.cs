namespace Hpc.Collectives;

/// <summary>
/// The only code that picks a collective algorithm, shared-memory ones included. A call
/// resolves in this order: the algorithm passed to the call, then <c>HPC_COLL</c>, then the
/// tuning file (<c>HPC_TUNE_FILE</c>, see <see cref="TuningTable"/>), then the built-in
/// <see cref="SelectionTable"/>. A forced algorithm the communicator cannot run (a
/// <see cref="NeedsSharedAreaAttribute">shared-memory one</see> without a shared area, or in a
/// non-blocking call; a <see cref="NodeAwareAttribute">node-aware one</see> on one host, in a
/// non-blocking call or where it would break a non-commutative operation's rank order) gives
/// way to the table. Every input is the same on all ranks of a call,
/// so all ranks pick the same algorithm.
/// </summary>
internal static class AlgorithmSelector
{
    /// <summary>The table's rows, by collective, in order.</summary>
    private static readonly SelectionRule[][] s_rules = IndexRules();

    /// <summary>The algorithm value (of the collective's algorithm enum) that runs <paramref name="input"/>.</summary>
    /// <param name="requested">The algorithm passed to the call, or 0 (Auto).</param>
    /// <param name="input">What the choice depends on.</param>
    /// <param name="configuration">The job's <c>HPC_COLL</c> overrides and tuning file.</param>
    public static int Select(int requested, in SelectionInput input, CollectiveConfiguration configuration)
    {
        int chosen = requested != 0 ? requested : configuration.Choose(input.Collective, input.Topology.Ranks, input.Bytes);
        if (chosen != 0 && CanRun(CollectiveCatalog.Of(input.Collective), chosen, input))
            return chosen;
        foreach (ref readonly SelectionRule rule in s_rules[(int)input.Collective].AsSpan())
        {
            if (rule.Matches(input))
                return rule.Algorithm;
        }
        throw new InvalidOperationException($"the selection table has no row for every {input.Collective} call"); // IndexRules rules this out
    }

    // Typed forms for ranks without a shared area (the communicator selects with its own topology).

    public static AllreduceAlgorithm Allreduce(int ranks, long bytes, bool commutative, AllreduceAlgorithm requested, CollectiveConfiguration configuration) =>
        (AllreduceAlgorithm)Select((int)requested, new SelectionInput(Collective.Allreduce, bytes, commutative, CollectiveTopology.Unshared(ranks)), configuration);

    public static BroadcastAlgorithm Broadcast(int ranks, long bytes, BroadcastAlgorithm requested, CollectiveConfiguration configuration) =>
        (BroadcastAlgorithm)Select((int)requested, Unshared(Collective.Broadcast, ranks, bytes), configuration);

    public static ReduceAlgorithm Reduce(int ranks, long bytes, ReduceAlgorithm requested, CollectiveConfiguration configuration) =>
        (ReduceAlgorithm)Select((int)requested, Unshared(Collective.Reduce, ranks, bytes), configuration);

    public static GatherAlgorithm Gather(int ranks, long blockBytes, GatherAlgorithm requested, CollectiveConfiguration configuration) =>
        (GatherAlgorithm)Select((int)requested, Unshared(Collective.Gather, ranks, blockBytes), configuration);

    public static ScatterAlgorithm Scatter(int ranks, long blockBytes, ScatterAlgorithm requested, CollectiveConfiguration configuration) =>
        (ScatterAlgorithm)Select((int)requested, Unshared(Collective.Scatter, ranks, blockBytes), configuration);

    public static AllgatherAlgorithm Allgather(int ranks, long totalBytes, AllgatherAlgorithm requested, CollectiveConfiguration configuration) =>
        (AllgatherAlgorithm)Select((int)requested, Unshared(Collective.Allgather, ranks, totalBytes), configuration);

    public static AlltoallAlgorithm Alltoall(int ranks, long blockBytes, AlltoallAlgorithm requested, CollectiveConfiguration configuration) =>
        (AlltoallAlgorithm)Select((int)requested, Unshared(Collective.Alltoall, ranks, blockBytes), configuration);

    public static ReduceScatterAlgorithm ReduceScatter(int ranks, long totalBytes, bool commutative, ReduceScatterAlgorithm requested, CollectiveConfiguration configuration) =>
        (ReduceScatterAlgorithm)Select((int)requested, new SelectionInput(Collective.ReduceScatter, totalBytes, commutative, CollectiveTopology.Unshared(ranks)), configuration);

    public static BarrierAlgorithm Barrier(int ranks, BarrierAlgorithm requested, CollectiveConfiguration configuration) =>
        (BarrierAlgorithm)Select((int)requested, Unshared(Collective.Barrier, ranks, 0), configuration);

    /// <summary>Whether a forced <paramref name="algorithm"/> can run <paramref name="input"/>; one that cannot gives way to the table.</summary>
    private static bool CanRun(CollectiveCatalog.Entry entry, int algorithm, in SelectionInput input) =>
        (input.Topology.HasSharedArea || !entry.NeedsSharedArea(algorithm))
        && (!entry.IsNodeAware(algorithm) || input.Topology.CanRunHierarchical(input.Commutative));

    /// <summary>Name of the algorithm Auto resolves to for <paramref name="input"/> (the public query).</summary>
    public static string NameFor(in SelectionInput input, CollectiveConfiguration configuration) =>
        CollectiveCatalog.Of(input.Collective).AlgorithmNames[Select(0, input, configuration)];

    private static SelectionInput Unshared(Collective collective, int ranks, long bytes) =>
        new(collective, bytes, Commutative: true, CollectiveTopology.Unshared(ranks));

    private static SelectionRule[][] IndexRules()
    {
        var rules = new SelectionRule[CollectiveCatalog.All.Count][];
        foreach (CollectiveCatalog.Entry entry in CollectiveCatalog.All)
        {
            rules[(int)entry.Collective] = [.. SelectionTable.Rules.Where(r => r.Collective == entry.Collective)];
            SelectionRule[] own = rules[(int)entry.Collective];
            // A row without conditions ends each collective's rows, so every call finds one.
            if (own.Length == 0 || own[^1] != new SelectionRule(entry.Collective, own[^1].Algorithm))
                throw new InvalidOperationException($"the selection table must end the rows of {entry.Name} with one that matches every call");
        }
        return rules;
    }
}
