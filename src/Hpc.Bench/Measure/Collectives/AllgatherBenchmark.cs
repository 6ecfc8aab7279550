using System.Numerics;
using Hpc.Bench.Model;

namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Allgather of one block per rank; the size is the whole gathered array.</summary>
internal sealed class AllgatherBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    private AllgatherAlgorithm _algorithm;

    protected override void SelectAlgorithm(string name) => _algorithm = ParseAlgorithm<AllgatherAlgorithm>(name);

    protected override void Fill(int iteration)
    {
        Pattern.Fill(Send.AsSpan(0, Block), Comm.Rank, (long)Comm.Rank * Block, iteration);
        Result.Clear();
    }

    protected override void Call() => Comm.Allgather<T>(Send.AsSpan(0, Block), Result, _algorithm);

    protected override Mismatch? Verify(int iteration) => Pattern.CheckGathered<T>(Result, Comm.Size, Block, iteration);

    protected override Span<T> Result => Receive.AsSpan(0, Blocks);
}
