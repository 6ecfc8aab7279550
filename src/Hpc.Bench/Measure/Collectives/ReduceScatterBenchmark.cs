namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Reduce_scatter_block, sum; the size is the whole reduced array (all blocks).</summary>
internal sealed class ReduceScatterBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T, ReduceScatterAlgorithm>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    protected override void FillInputs(int iteration) => Pattern.Fill(Send.AsSpan(0, Blocks), Comm.Rank, 0, iteration);

    protected override void Call() => Comm.ReduceScatterBlock<T>(Send.AsSpan(0, Blocks), Result, ReduceOp.Sum, Algorithm);

    protected override Mismatch? Verify(int iteration) => Pattern.CheckSum<T>(Result, Comm.Size, (long)Comm.Rank * Block, iteration);

    protected override Span<T> Result => Receive.AsSpan(0, Block);
}
