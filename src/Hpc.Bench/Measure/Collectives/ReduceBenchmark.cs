namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Reduce, sum, to rank 0, out of place.</summary>
internal sealed class ReduceBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T, ReduceAlgorithm>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    protected override void FillInputs(int iteration) => Pattern.Fill(Send.AsSpan(0, Count), Comm.Rank, 0, iteration);

    protected override void Call() => Comm.Reduce<T>(Send.AsSpan(0, Count), Result, ReduceOp.Sum, 0, Algorithm);

    protected override Mismatch? Verify(int iteration) => IsRoot ? Pattern.CheckSum<T>(Result, Comm.Size, 0, iteration) : null;

    protected override Span<T> Result => IsRoot ? Receive.AsSpan(0, Count) : [];
}
