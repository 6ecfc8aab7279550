using Hpc.Bench.Statistics;

namespace Hpc.Bench.Measure;

/// <summary>What one rank measured for one size and algorithm.</summary>
/// <param name="MeanUs">This rank's mean time per call in µs; NaN on a rank that takes no part (ranks above 1 in point-to-point).</param>
/// <param name="Tail">P50, P90 and P99 of this rank's per-iteration times (NaN where it takes no part).</param>
/// <param name="Mismatch">With --check, the first wrong result this rank saw.</param>
/// <param name="MismatchIteration">The iteration of <paramref name="Mismatch"/>.</param>
internal readonly record struct LocalResult(double MeanUs, Tail Tail, Mismatch? Mismatch = null, int MismatchIteration = -1)
{
    /// <summary>A rank that took no part in the timed calls.</summary>
    public static LocalResult None { get; } = new(double.NaN, Tail.None);
}

/// <summary>
/// One benchmark on one communicator: buffers sized once for the largest message, then
/// <see cref="Prepare"/> and <see cref="Measure"/> per size and algorithm. Every rank makes the
/// same calls in the same order.
/// </summary>
internal abstract class Benchmark(Communicator comm, BenchmarkInfo info)
{
    protected Communicator Comm { get; } = comm;

    /// <summary>Per-iteration timestamps of the loop that measures the tail (reused for every size).</summary>
    protected IterationTimes Times { get; } = new();

    /// <summary>The size set by the last <see cref="Prepare"/>.</summary>
    protected long Bytes { get; private set; }

    /// <summary>
    /// Whether the headline mean comes from a loop of its own, without a timestamp per call, and
    /// the tail from a second loop (OSU 7.3 does the same with <c>-z</c>): up to 8 KiB a call
    /// takes well under 10 µs, and the ~30 ns clock read per iteration would lengthen it by a
    /// few per cent. Above, one loop gives both.
    /// </summary>
    protected bool SeparateTailLoop => Bytes <= IterationPolicy.LargeMessageBytes;

    /// <summary>Records the size of the next measurements; subclasses call it from <see cref="Prepare"/>.</summary>
    protected void SetBytes(long bytes) => Bytes = bytes;

    public BenchmarkInfo Info { get; } = info;

    /// <summary>Whether a message of <paramref name="bytes"/> holds enough elements (one per rank for per-rank blocks).</summary>
    public abstract bool Supports(long bytes);

    /// <summary>Sets the size and algorithm ("auto" or a library name) of the next measurements.</summary>
    public abstract void Prepare(long bytes, string algorithm);

    /// <summary>
    /// Warm-up calls, then <paramref name="iterations"/> timed calls (twice that up to 8 KiB, see
    /// <see cref="SeparateTailLoop"/>). With <paramref name="check"/> every call's inputs are
    /// rewritten and its result verified outside the timed region, so checked times are per call
    /// and include no verification, but slightly exceed unchecked ones.
    /// </summary>
    public abstract LocalResult Measure(int iterations, int warmup, bool check, Func<int, int, bool>? corrupt);
}
