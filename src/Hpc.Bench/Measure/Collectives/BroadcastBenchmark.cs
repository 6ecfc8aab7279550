namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Bcast from rank 0, in place.</summary>
internal sealed class BroadcastBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T, BroadcastAlgorithm>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    protected override void FillInputs(int iteration)
    {
        if (IsRoot)
            Pattern.Fill(Result, 0, 0, iteration);
    }

    protected override void Call() => Comm.Broadcast(Result, 0, Algorithm);

    protected override Mismatch? Verify(int iteration) => Pattern.CheckRank<T>(Result, 0, 0, iteration);

    protected override Span<T> Result => Send.AsSpan(0, Count);
}
