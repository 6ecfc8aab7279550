using System.Numerics;
using Hpc.Bench.Model;

namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Barrier: no data, nothing to check but that every rank gets through.</summary>
internal sealed class BarrierBenchmark<T>(Communicator comm, BenchmarkInfo info)
    : CollectiveBenchmark<T>(comm, info, 0) where T : unmanaged, INumber<T>
{
    private BarrierAlgorithm _algorithm;

    public override bool Supports(long bytes) => true;

    protected override void SelectAlgorithm(string name) => _algorithm = ParseAlgorithm<BarrierAlgorithm>(name);

    protected override void Fill(int iteration)
    {
    }

    protected override void Call() => Comm.Barrier(_algorithm);

    protected override Mismatch? Verify(int iteration) => null;

    protected override Span<T> Result => [];
}
