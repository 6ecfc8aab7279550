namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Allreduce, sum, out of place (send → receive), as ompi_bench calls it.</summary>
internal sealed class AllreduceBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T, AllreduceAlgorithm>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    protected override void FillInputs(int iteration) => Pattern.Fill(Send.AsSpan(0, Count), Comm.Rank, 0, iteration);

    protected override void Call() => Comm.Allreduce<T>(Send.AsSpan(0, Count), Receive.AsSpan(0, Count), ReduceOp.Sum, Algorithm);

    protected override Mismatch? Verify(int iteration) => Pattern.CheckSum<T>(Result, Comm.Size, 0, iteration);

    protected override Span<T> Result => Receive.AsSpan(0, Count);
}
