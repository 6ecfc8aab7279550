namespace Hpc.Bench.Measure.Collectives;

/// <summary>MPI_Alltoall; the size is one rank's whole send array (a block for every rank).</summary>
internal sealed class AlltoallBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : CollectiveBenchmark<T, AlltoallAlgorithm>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    // Block d of rank r's send array holds r's values at positions d × block …, which is where
    // rank d finds them (block r of its receive array) after the exchange.
    protected override void FillInputs(int iteration) => Pattern.Fill(Send.AsSpan(0, Blocks), Comm.Rank, 0, iteration);

    protected override void Call() => Comm.Alltoall<T>(Send.AsSpan(0, Blocks), Result, Algorithm);

    protected override Mismatch? Verify(int iteration)
    {
        for (int s = 0; s < Comm.Size; s++)
        {
            if (Pattern.CheckRank<T>(Result.Slice(s * Block, Block), s, (long)Comm.Rank * Block, iteration) is { } mismatch)
                return mismatch with { Index = (long)s * Block + (mismatch.Index - (long)Comm.Rank * Block) };
        }
        return null;
    }

    protected override Span<T> Result => Receive.AsSpan(0, Blocks);
}
