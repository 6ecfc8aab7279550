using System.Numerics;
using Hpc.Bench.Model;

namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Gather to rank 0; the size is the whole gathered array.</summary>
internal sealed class GatherBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    private GatherAlgorithm _algorithm;

    protected override void SelectAlgorithm(string name) => _algorithm = ParseAlgorithm<GatherAlgorithm>(name);

    protected override void Fill(int iteration)
    {
        Pattern.Fill(Send.AsSpan(0, Block), Comm.Rank, (long)Comm.Rank * Block, iteration);
        Result.Clear();
    }

    protected override void Call() => Comm.Gather<T>(Send.AsSpan(0, Block), Result, 0, _algorithm);

    protected override Mismatch? Verify(int iteration) => IsRoot ? Pattern.CheckGathered<T>(Result, Comm.Size, Block, iteration) : null;

    protected override Span<T> Result => IsRoot ? Receive.AsSpan(0, Blocks) : [];
}
