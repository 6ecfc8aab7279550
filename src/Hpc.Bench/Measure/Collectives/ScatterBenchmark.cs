namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Scatter from rank 0; the size is the root's whole array.</summary>
internal sealed class ScatterBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T, ScatterAlgorithm>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    // Block s of the root's array holds rank s's values at its own positions.
    protected override void FillInputs(int iteration)
    {
        if (IsRoot)
        {
            for (int s = 0; s < Comm.Size; s++)
                Pattern.Fill(Send.AsSpan(s * Block, Block), s, (long)s * Block, iteration);
        }
    }

    protected override void Call() => Comm.Scatter<T>(IsRoot ? Send.AsSpan(0, Blocks) : [], Result, 0, Algorithm);

    protected override Mismatch? Verify(int iteration) => Pattern.CheckRank<T>(Result, Comm.Rank, (long)Comm.Rank * Block, iteration);

    protected override Span<T> Result => Receive.AsSpan(0, Block);
}
