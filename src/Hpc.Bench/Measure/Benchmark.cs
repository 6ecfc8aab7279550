using Hpc.Bench.Model;

namespace Hpc.Bench.Measure;

/// <summary>What one rank measured for one size and algorithm.</summary>
/// <param name="MeanUs">This rank's mean time per call in µs; NaN on a rank that takes no part (ranks above 1 in point-to-point).</param>
/// <param name="Mismatch">With --check, the first wrong result this rank saw.</param>
/// <param name="MismatchIteration">The iteration of <paramref name="Mismatch"/>.</param>
internal readonly record struct LocalResult(double MeanUs, Mismatch? Mismatch = null, int MismatchIteration = -1);

/// <summary>
/// One benchmark on one communicator: buffers sized once for the largest message, then
/// <see cref="Prepare"/> and <see cref="Measure"/> per size and algorithm. Every rank makes the
/// same calls in the same order.
/// </summary>
internal abstract class Benchmark(Communicator comm, BenchmarkInfo info)
{
    protected Communicator Comm { get; } = comm;

    public BenchmarkInfo Info { get; } = info;

    /// <summary>Whether a message of <paramref name="bytes"/> holds enough elements (one per rank for per-rank blocks).</summary>
    public abstract bool Supports(long bytes);

    /// <summary>Sets the size and algorithm ("auto" or a library name) of the next measurements.</summary>
    public abstract void Prepare(long bytes, string algorithm);

    /// <summary>
    /// Warm-up calls, then <paramref name="iterations"/> timed calls. With <paramref name="check"/>
    /// every call's inputs are rewritten and its result verified outside the timed region, so
    /// checked times are per call and include no verification, but slightly exceed unchecked ones.
    /// </summary>
    public abstract LocalResult Measure(int iterations, int warmup, bool check, Func<int, int, bool>? corrupt);
}
