namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Gather to rank 0; the size is the whole gathered array.</summary>
internal sealed class GatherBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T, GatherAlgorithm>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    protected override void FillInputs(int iteration) => Pattern.Fill(Send.AsSpan(0, Block), Comm.Rank, (long)Comm.Rank * Block, iteration);

    protected override void Call() => Comm.Gather<T>(Send.AsSpan(0, Block), Result, 0, Algorithm);

    protected override Mismatch? Verify(int iteration) => IsRoot ? Pattern.CheckGathered<T>(Result, Comm.Size, Block, iteration) : null;

    protected override Span<T> Result => IsRoot ? Receive.AsSpan(0, Blocks) : [];
}
