namespace Hpc.Collectives.Allgather;

/// <summary>
/// Ring allgather: in step s rank r sends block (r − s) to rank r + 1 and receives block
/// (r − s − 1) from rank r − 1; after n − 1 steps every rank holds every block. Each rank sends
/// and receives (n − 1)/n of the data once — bandwidth-optimal, neighbour-only traffic.
/// </summary>
/// <remarks>
/// Works in place on the result buffer (blocks may differ in size, so it also serves
/// Allgatherv), moving blocks in segments through the <see cref="SegmentPipeline"/>, which
/// forwards each the moment it lands, so a large block streams around the ring instead of
/// hopping one whole block per step.
/// </remarks>
internal static class RingAllgather
{
    /// <summary>
    /// Completes <paramref name="data"/>: on entry the block of this rank is filled in; on return
    /// all are. Block i (offset <paramref name="offsets"/>[i], length <paramref name="lengths"/>[i])
    /// belongs to the rank whose rank minus <paramref name="rotation"/> is i, so a broadcast can
    /// run the ring relative to its root.
    /// </summary>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths, int rotation = 0)
        where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        if (size == 1)
            return;
        int self = Blocks.Mod(rank - rotation, size);
        int segment = SegmentPipeline.SegmentLength<T>();

        var incoming = new List<SegmentPipeline.Segment>();
        for (int step = 0; step < size - 1; step++)
        {
            int block = Blocks.Mod(self - step - 1, size);
            SegmentPipeline.AddSegments(incoming, offsets[block], lengths[block], segment, forward: step < size - 2);
        }
        SegmentPipeline.Run<T>(context, tag, data, left: Blocks.Mod(rank - 1, size), right: (rank + 1) % size, offsets[self], lengths[self], incoming, kernel: null);
    }
}
