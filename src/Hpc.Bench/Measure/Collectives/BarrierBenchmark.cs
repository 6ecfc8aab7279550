namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Barrier: no data, nothing to check but that every rank gets through.</summary>
internal sealed class BarrierBenchmark<T>(Communicator comm, BenchmarkInfo info)
    : CollectiveBenchmark<T, BarrierAlgorithm>(comm, info, 0) where T : unmanaged, INumber<T>
{
    public override bool Supports(long bytes) => true;

    protected override void FillInputs(int iteration)
    {
    }

    protected override void Call() => Comm.Barrier(Algorithm);

    protected override Mismatch? Verify(int iteration) => null;

    protected override Span<T> Result => [];
}
