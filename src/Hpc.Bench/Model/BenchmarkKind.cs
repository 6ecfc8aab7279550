namespace Hpc.Bench.Model;

/// <summary>The benchmarks hpc-bench runs, named on the command line as in OSU's suite.</summary>
internal enum BenchmarkKind
{
    Latency,
    Bw,
    Bibw,
    Allreduce,
    Bcast,
    Barrier,
    Reduce,
    Allgather,
    Alltoall,
    ReduceScatter,
    Gather,
    Scatter,
}

/// <summary>What one benchmark measures and how its sizes and bandwidths are read.</summary>
/// <param name="Kind">The benchmark.</param>
/// <param name="Name">Command-line name ("reduce_scatter"); for collectives also their name in HPC_COLL and tuning files.</param>
/// <param name="Title">Words of the table's title line.</param>
/// <param name="Collective">The library collective whose algorithm can be chosen, or null (point-to-point).</param>
/// <param name="PerRankBlocks">
/// The size is a whole array split into one block per rank (allgather, alltoall, gather, scatter,
/// reduce_scatter), as nccl-tests counts it; a size with fewer elements than ranks is skipped.
/// </param>
internal sealed record BenchmarkInfo(BenchmarkKind Kind, string Name, string Title, Collective? Collective, bool PerRankBlocks)
{
    public static IReadOnlyList<BenchmarkInfo> All { get; } =
    [
        new(BenchmarkKind.Latency, "latency", "Latency Test (ping-pong, one-way)", null, false),
        new(BenchmarkKind.Bw, "bw", "Bandwidth Test (window of non-blocking sends)", null, false),
        new(BenchmarkKind.Bibw, "bibw", "Bi-Directional Bandwidth Test", null, false),
        new(BenchmarkKind.Allreduce, "allreduce", "Allreduce Latency Test", Hpc.Collective.Allreduce, false),
        new(BenchmarkKind.Bcast, "bcast", "Broadcast Latency Test", Hpc.Collective.Broadcast, false),
        new(BenchmarkKind.Barrier, "barrier", "Barrier Latency Test", Hpc.Collective.Barrier, false),
        new(BenchmarkKind.Reduce, "reduce", "Reduce Latency Test", Hpc.Collective.Reduce, false),
        new(BenchmarkKind.Allgather, "allgather", "Allgather Latency Test", Hpc.Collective.Allgather, true),
        new(BenchmarkKind.Alltoall, "alltoall", "All-to-All Latency Test", Hpc.Collective.Alltoall, true),
        new(BenchmarkKind.ReduceScatter, "reduce_scatter", "Reduce_scatter Latency Test", Hpc.Collective.ReduceScatter, true),
        new(BenchmarkKind.Gather, "gather", "Gather Latency Test", Hpc.Collective.Gather, true),
        new(BenchmarkKind.Scatter, "scatter", "Scatter Latency Test", Hpc.Collective.Scatter, true),
    ];

    public static BenchmarkInfo Of(BenchmarkKind kind) => All[(int)kind];

    /// <summary>Looks a benchmark up by name; "pingpong" is accepted for latency (ompi_bench's name).</summary>
    public static BenchmarkInfo? Find(string name)
    {
        string key = name.Trim().ToLowerInvariant().Replace('-', '_');
        if (key is "pingpong" or "ping_pong")
            key = "latency";
        if (key == "broadcast")
            key = "bcast";
        return All.FirstOrDefault(b => b.Name == key);
    }

    public static string Names => string.Join(", ", All.Select(b => b.Name));

    public bool IsPointToPoint => Collective is null;

    public bool HasSizes => Kind != BenchmarkKind.Barrier;

    /// <summary>
    /// The algorithm names <c>--algorithm all</c> expands to, in the library's declaration order;
    /// empty for point-to-point benchmarks.
    /// </summary>
    public IReadOnlyList<string> AlgorithmNames => Collective switch
    {
        Hpc.Collective.Allreduce => Hpc.AlgorithmNames.ValidNames<AllreduceAlgorithm>(),
        Hpc.Collective.Broadcast => Hpc.AlgorithmNames.ValidNames<BroadcastAlgorithm>(),
        Hpc.Collective.Reduce => Hpc.AlgorithmNames.ValidNames<ReduceAlgorithm>(),
        Hpc.Collective.Gather => Hpc.AlgorithmNames.ValidNames<GatherAlgorithm>(),
        Hpc.Collective.Scatter => Hpc.AlgorithmNames.ValidNames<ScatterAlgorithm>(),
        Hpc.Collective.Allgather => Hpc.AlgorithmNames.ValidNames<AllgatherAlgorithm>(),
        Hpc.Collective.Alltoall => Hpc.AlgorithmNames.ValidNames<AlltoallAlgorithm>(),
        Hpc.Collective.ReduceScatter => Hpc.AlgorithmNames.ValidNames<ReduceScatterAlgorithm>(),
        Hpc.Collective.Barrier => Hpc.AlgorithmNames.ValidNames<BarrierAlgorithm>(),
        _ => [],
    };

    /// <summary>
    /// The size the library's selector and tuning files use for a benchmark size of
    /// <paramref name="bytes"/> on <paramref name="ranks"/> ranks: one rank's block for gather,
    /// scatter and alltoall, the whole array otherwise (see AlgorithmSelector).
    /// </summary>
    public long SelectorBytes(long bytes, int ranks) => Kind switch
    {
        BenchmarkKind.Gather or BenchmarkKind.Scatter or BenchmarkKind.Alltoall => bytes / ranks,
        BenchmarkKind.Barrier => 0,
        _ => bytes,
    };
}
