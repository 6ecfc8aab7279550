using System.Diagnostics;

namespace Hpc.Bench.Measure;

/// <summary>
/// The timing loop every collective shares, as ompi_bench and OSU run it: warm-up calls, a
/// barrier, then the timed calls back to back; the rank's mean is the elapsed time over the
/// count. Subclasses say how to fill inputs, make one call and verify one result;
/// <typeparamref name="TAlgorithm"/> is the library's algorithm enum for the collective.
/// </summary>
internal abstract class CollectiveBenchmark<T, TAlgorithm> : BufferedBenchmark<T>
    where T : unmanaged, INumber<T>
    where TAlgorithm : struct, Enum
{
    protected CollectiveBenchmark(Communicator comm, BenchmarkInfo info, int maxElements) : base(comm, info, maxElements)
    {
    }

    /// <summary>Elements per rank for per-rank-block collectives: Count / ranks.</summary>
    protected int Block { get; private set; }

    /// <summary>Elements in all ranks' blocks together (Block × ranks, at most Count).</summary>
    protected int Blocks => Block * Comm.Size;

    public override bool Supports(long bytes) => ElementsIn(bytes) >= (Info.PerRankBlocks ? Comm.Size : 1);

    public override void Prepare(long bytes, string algorithm)
    {
        SetSize(bytes);
        Block = Count / Comm.Size;
        Algorithm = AlgorithmNames.Parse<TAlgorithm>(algorithm);
        Reset(0);
    }

    /// <summary>The call's algorithm argument: "auto" or the library algorithm named on the command line.</summary>
    protected TAlgorithm Algorithm { get; private set; }

    /// <summary>Writes this rank's inputs for <paramref name="iteration"/>; its result buffer has just been zeroed.</summary>
    protected abstract void FillInputs(int iteration);

    /// <summary>Zeroes this rank's result (so a call that writes nothing is caught), then writes its inputs.</summary>
    private void Reset(int iteration)
    {
        Result.Clear();
        FillInputs(iteration);
    }

    protected abstract void Call();

    /// <summary>The first wrong element of this rank's result, or null (also on ranks without a result).</summary>
    protected abstract Mismatch? Verify(int iteration);

    /// <summary>This rank's result buffer (empty when it has none), for the corruption test hook.</summary>
    protected abstract Span<T> Result { get; }

    public override LocalResult Measure(int iterations, int warmup, bool check, Func<int, int, bool>? corrupt) =>
        check ? MeasureChecked(iterations, warmup, corrupt) : MeasureFast(iterations, warmup);

    private LocalResult MeasureFast(int iterations, int warmup)
    {
        for (int i = 0; i < warmup; i++)
            Call();
        Comm.Barrier();
        double mean = double.NaN;
        if (SeparateTailLoop)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < iterations; i++)
                Call();
            mean = Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
            Comm.Barrier();
        }
        Times.Reset(iterations);
        Times.Start();
        for (int i = 0; i < iterations; i++)
        {
            Call();
            Times.Mark();
        }
        return new LocalResult(SeparateTailLoop ? mean : Times.ElapsedMicroseconds / iterations, Times.Summarize());
    }

    private LocalResult MeasureChecked(int iterations, int warmup, Func<int, int, bool>? corrupt)
    {
        Mismatch? first = null;
        int firstIteration = -1;
        for (int i = 0; i < warmup; i++)
        {
            Reset(i);
            Call();
        }
        Comm.Barrier();
        Times.Reset(iterations);
        for (int i = 0; i < iterations; i++)
        {
            Reset(i);
            long start = Stopwatch.GetTimestamp();
            Call();
            Times.Add(Stopwatch.GetTimestamp() - start);
            if (corrupt?.Invoke(Comm.Rank, i) == true && !Result.IsEmpty)
                Result[0] = T.Zero;
            if (first is null && Verify(i) is { } mismatch)
            {
                first = mismatch;
                firstIteration = i;
            }
        }
        return new LocalResult(Times.ElapsedMicroseconds / iterations, Times.Summarize(), first, firstIteration);
    }

    protected bool IsRoot => Comm.Rank == 0;
}
