namespace Hpc.Bench.Measure;

/// <summary>
/// What the point-to-point and the collective benchmarks have in common: elements of
/// <typeparamref name="T"/>, a send and a receive buffer allocated once for the largest size,
/// and the element count of the size being measured.
/// </summary>
internal abstract class BufferedBenchmark<T> : Benchmark where T : unmanaged, INumber<T>
{
    protected BufferedBenchmark(Communicator comm, BenchmarkInfo info, int maxElements) : base(comm, info)
    {
        // Every benchmark needs at most two whole-size buffers (send and receive).
        Send = new T[maxElements];
        Receive = new T[maxElements];
    }

    protected T[] Send { get; }

    protected T[] Receive { get; }

    /// <summary>Elements in the benchmark size (the whole array for per-rank-block collectives).</summary>
    protected int Count { get; private set; }

    /// <summary>Whole elements in <paramref name="bytes"/>, at most the largest array .NET allows.</summary>
    protected static unsafe int ElementsIn(long bytes) => (int)Math.Min(bytes / sizeof(T), Array.MaxLength);

    /// <summary>Records the size of the next measurements and its <see cref="Count"/>; subclasses call it from <see cref="Benchmark.Prepare"/>.</summary>
    protected void SetSize(long bytes)
    {
        SetBytes(bytes);
        Count = ElementsIn(bytes);
    }
}
