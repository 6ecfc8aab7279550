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
        // Indexing the array, not AsSpan: Span code over SelectionRule is in no ReadyToRun image.
        SelectionRule[] rules = s_rules[(int)input.Collective];
        for (int i = 0; i < rules.Length; i++)
        {
            ref readonly SelectionRule rule = ref rules[i];
            if (rule.Matches(input))
                return rule.Algorithm;
        }
        throw new InvalidOperationException($"the selection table has no row for every {input.Collective} call"); // IndexRules rules this out
    }

    /// <summary>
    /// The typed form for ranks without a shared area (the communicator selects with its own
    /// topology): the <typeparamref name="TAlgorithm"/> collective on <paramref name="ranks"/>
    /// ranks. <paramref name="bytes"/> is what the collective's table rows measure: a rank's block
    /// for Gather, Scatter and Alltoall, the whole vector for the others.
    /// </summary>
    public static TAlgorithm Unshared<TAlgorithm>(int ranks, long bytes, TAlgorithm requested, CollectiveConfiguration configuration,
        bool commutative = true) where TAlgorithm : struct, Enum
    {
        Collective collective = CollectiveCatalog.CollectiveOf(typeof(TAlgorithm));
        var input = new SelectionInput(collective, bytes, commutative, CollectiveTopology.Unshared(ranks));
        return (TAlgorithm)Enum.ToObject(typeof(TAlgorithm), Select(Convert.ToInt32(requested, CultureInfo.InvariantCulture), input, configuration));
    }

    /// <summary>Whether a forced <paramref name="algorithm"/> can run <paramref name="input"/>; one that cannot gives way to the table.</summary>
    private static bool CanRun(CollectiveCatalog.Entry entry, int algorithm, in SelectionInput input) =>
        (input.Topology.HasSharedArea || !entry.NeedsSharedArea(algorithm))
        && (!entry.IsNodeAware(algorithm) || input.Topology.CanRunHierarchical(input.Commutative));

    /// <summary>Name of the algorithm Auto resolves to for <paramref name="input"/> (the public query).</summary>
    public static string NameFor(in SelectionInput input, CollectiveConfiguration configuration) =>
        CollectiveCatalog.Of(input.Collective).AlgorithmNames[Select(0, input, configuration)];

    /// <remarks>
    /// Plain loops over arrays: LINQ or a List over <see cref="SelectionRule"/> (a struct of this
    /// assembly) is generic code that neither this assembly's ReadyToRun image nor the framework's
    /// holds, and every rank would JIT-compile it at its first collective.
    /// </remarks>
    private static SelectionRule[][] IndexRules()
    {
        SelectionRule[] table = SelectionTable.Rules;
        var rules = new SelectionRule[CollectiveCatalog.Count][];
        for (int collective = 0; collective < rules.Length; collective++)
        {
            int count = 0;
            foreach (SelectionRule rule in table)
                count += (int)rule.Collective == collective ? 1 : 0;
            var own = new SelectionRule[count];
            int next = 0;
            foreach (SelectionRule rule in table)
            {
                if ((int)rule.Collective == collective)
                    own[next++] = rule;
            }
            // A row without conditions ends each collective's rows, so every call finds one.
            if (count == 0 || !own[count - 1].MatchesEveryCall)
                throw new InvalidOperationException($"the selection table must end the rows of {CollectiveCatalog.NameOf((Collective)collective)} with one that matches every call");
            rules[collective] = own;
        }
        return rules;
    }
}
