namespace Hpc.Collectives.Alltoall;

/// <summary>
/// Pairwise-exchange alltoall (and Alltoallv): in step k = 1 … n − 1 each rank sends its block
/// for rank + k and receives the block from rank − k. One message in each direction per step, so
/// no rank is flooded; the choice for medium and large blocks and for Alltoallv.
/// </summary>
internal static class PairwiseAlltoall
{
    public static void Run<T>(CollectiveContext context, int tag,
        ReadOnlySpan<T> send, ReadOnlySpan<int> sendCounts, ReadOnlySpan<int> sendDisplacements,
        Span<T> receive, ReadOnlySpan<int> receiveCounts, ReadOnlySpan<int> receiveDisplacements)
        where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        send.Slice(sendDisplacements[rank], sendCounts[rank]).CopyTo(receive.Slice(receiveDisplacements[rank], receiveCounts[rank]));
        for (int step = 1; step < size; step++)
        {
            int dest = (rank + step) % size;
            int source = Blocks.Mod(rank - step, size);
            context.SendReceive(
                dest, send.Slice(sendDisplacements[dest], sendCounts[dest]),
                source, receive.Slice(receiveDisplacements[source], receiveCounts[source]),
                tag);
        }
    }
}
