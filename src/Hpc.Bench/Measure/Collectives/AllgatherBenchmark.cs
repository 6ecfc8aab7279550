namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Allgather of one block per rank; the size is the whole gathered array.</summary>
internal sealed class AllgatherBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T, AllgatherAlgorithm>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    protected override void FillInputs(int iteration) => Pattern.Fill(Send.AsSpan(0, Block), Comm.Rank, (long)Comm.Rank * Block, iteration);

    protected override void Call() => Comm.Allgather<T>(Send.AsSpan(0, Block), Result, Algorithm);

    protected override Mismatch? Verify(int iteration) => Pattern.CheckGathered<T>(Result, Comm.Size, Block, iteration);

    protected override Span<T> Result => Receive.AsSpan(0, Blocks);
}
