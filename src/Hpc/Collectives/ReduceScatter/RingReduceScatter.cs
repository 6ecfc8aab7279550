using Hpc.Reduction;

namespace Hpc.Collectives.ReduceScatter;

/// <summary>
/// Ring reduce-scatter (the first half of ring allreduce, as in Gloo and NCCL). The vector is cut
/// into n blocks; in step s rank r passes its partial of block (r − s − 1) to rank r + 1 and folds
/// the partial of block (r − s − 2) arriving from rank r − 1 into its own data. After n − 1 steps
/// block r is complete on rank r — each element reduced exactly once, by one chain of ranks.
/// </summary>
/// <remarks>
/// Blocks travel in segments through the <see cref="SegmentPipeline"/>: a reduced segment is
/// sent on as soon as it is ready, so transfer and reduction overlap, and a large block never
/// needs a block-sized scratch buffer. The chain for block b starts at rank b + 1 and wraps
/// around the ring, so this needs a commutative operation; the callers switch to
/// <see cref="Reduce.PipelinedChainReduce"/> for non-commutative ones.
/// </remarks>
internal static class RingReduceScatter
{
    /// <summary>
    /// Reduces <paramref name="data"/> in place: on return the block at
    /// <paramref name="offsets"/>[rank] (of <paramref name="lengths"/>[rank] elements) holds the
    /// reduction over all ranks; the other blocks hold partial results.
    /// </summary>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths, ReduceKernel<T> kernel)
        where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        if (size == 1)
            return;
        int segment = SegmentPipeline.SegmentLength<T>();

        // What arrives from the left, in order: in step s, block (rank − s − 2); a segment
        // received in step s < n − 2 is the one this rank sends on in step s + 1.
        var incoming = new List<SegmentPipeline.Segment>();
        for (int step = 0; step < size - 1; step++)
        {
            int block = Blocks.Mod(rank - step - 2, size);
            SegmentPipeline.AddSegments(incoming, offsets[block], lengths[block], segment, forward: step < size - 2);
        }
        int first = Blocks.Mod(rank - 1, size);
        SegmentPipeline.Run(context, tag, data, left: Blocks.Mod(rank - 1, size), right: (rank + 1) % size, offsets[first], lengths[first], incoming, kernel);
    }
}
