using System.Numerics;
using Hpc.Bench.Model;

namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Reduce_scatter_block, sum; the size is the whole reduced array (all blocks).</summary>
internal sealed class ReduceScatterBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    private ReduceScatterAlgorithm _algorithm;

    protected override void SelectAlgorithm(string name) => _algorithm = ParseAlgorithm<ReduceScatterAlgorithm>(name);

    protected override void Fill(int iteration)
    {
        Pattern.Fill(Send.AsSpan(0, Blocks), Comm.Rank, 0, iteration);
        Result.Clear();
    }

    protected override void Call() => Comm.ReduceScatterBlock<T>(Send.AsSpan(0, Blocks), Result, ReduceOp.Sum, _algorithm);

    protected override Mismatch? Verify(int iteration) => Pattern.CheckSum<T>(Result, Comm.Size, (long)Comm.Rank * Block, iteration);

    protected override Span<T> Result => Receive.AsSpan(0, Block);
}
