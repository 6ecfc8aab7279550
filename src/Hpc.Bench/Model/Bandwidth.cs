namespace Hpc.Bench.Model;

/// <summary>
/// Bandwidth as nccl-tests defines it. algbw is the benchmark's size over the time of one call;
/// busbw scales it by how much of that data each rank's link must carry in an optimal algorithm,
/// so that busbw is comparable across collectives and rank counts and can be held against the
/// hardware's peak. Sizes of allgather, alltoall, gather, scatter and reduce_scatter are the
/// whole array (all ranks' blocks), as in nccl-tests and ompi_bench.
/// </summary>
internal static class Bandwidth
{
    /// <summary>GB/s (10⁹ bytes per second) of <paramref name="bytes"/> moved in <paramref name="micros"/> µs.</summary>
    public static double AlgorithmGBs(long bytes, double micros) => micros > 0 ? bytes / micros / 1e3 : 0;

    /// <summary>The factor busbw = algbw × factor for <paramref name="kind"/> on <paramref name="ranks"/> ranks.</summary>
    public static double BusFactor(BenchmarkKind kind, int ranks) => kind switch
    {
        // Every element crosses each link twice: once reduced, once broadcast back (2(n−1)/n).
        BenchmarkKind.Allreduce => 2.0 * (ranks - 1) / ranks,
        // Each rank receives (or sends) all blocks but its own.
        BenchmarkKind.Allgather or BenchmarkKind.ReduceScatter or BenchmarkKind.Alltoall
            or BenchmarkKind.Gather or BenchmarkKind.Scatter => (double)(ranks - 1) / ranks,
        // Both directions of the pair carry a message at once.
        BenchmarkKind.Bibw => 2.0,
        _ => 1.0,
    };

    public static double BusGBs(BenchmarkKind kind, int ranks, long bytes, double micros) =>
        AlgorithmGBs(bytes, micros) * BusFactor(kind, ranks);
}
