namespace Hpc.Bench.Model;

/// <summary>
/// How many calls are timed and how many warm up the path first. The reference benchmarks
/// (latency and the collectives) use the counts of ../shared/anchors/ompi_bench.c so a ratio
/// against Open MPI compares like with like; bw and bibw use OSU's (osu_bw: window of 64,
/// 100 iterations up to 8 KiB and 20 above).
/// </summary>
internal static class IterationPolicy
{
    public const int BarrierIterations = 20000;
    public const int BarrierWarmup = 1000;
    public const int CollectiveWarmup = 5;
    public const int PingPongWarmup = 10;
    public const long LargeMessageBytes = 8192;

    public static int Iterations(BenchmarkKind kind, long bytes) => kind switch
    {
        BenchmarkKind.Barrier => BarrierIterations,
        BenchmarkKind.Bw or BenchmarkKind.Bibw => bytes <= LargeMessageBytes ? 100 : 20,
        _ => Reference(bytes),
    };

    public static int Warmup(BenchmarkKind kind, long bytes) => kind switch
    {
        BenchmarkKind.Barrier => BarrierWarmup,
        BenchmarkKind.Latency => PingPongWarmup,
        BenchmarkKind.Bw or BenchmarkKind.Bibw => bytes <= LargeMessageBytes ? 10 : 2,
        _ => CollectiveWarmup,
    };

    /// <summary>ompi_bench's iterations(): 2000 up to 8 KiB, 200 up to 1 MiB, 20 above.</summary>
    public static int Reference(long bytes) => bytes <= LargeMessageBytes ? 2000 : bytes <= 1 << 20 ? 200 : 20;

    /// <summary>Tuning sweeps many algorithms × sizes; a quarter of the reference counts is enough to rank them.</summary>
    public static int Tune(long bytes) => bytes <= LargeMessageBytes ? 500 : bytes <= 1 << 20 ? 50 : 10;
}
