using System.Runtime.InteropServices;
using Hpc.Collectives.ReduceScatter;

namespace Hpc.Collectives.Allgather;

/// <summary>
/// Ring allgather: in step s rank r sends block (r − s) to rank r + 1 and receives block
/// (r − s − 1) from rank r − 1; after n − 1 steps every rank holds every block. Each rank sends
/// and receives (n − 1)/n of the data once — bandwidth-optimal, neighbour-only traffic.
/// </summary>
/// <remarks>
/// Works in place on the result buffer (blocks may differ in size, so it also serves
/// Allgatherv), moving blocks in segments that are forwarded the moment they land, so a large
/// block streams around the ring instead of hopping one whole block per step. All receives are
/// posted up front — they target distinct parts of the buffer — so arriving data never waits
/// in the unexpected queue.
/// </remarks>
internal static unsafe class RingAllgather
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
        int right = (rank + 1) % size;
        int left = (rank - 1 + size) % size;
        int self = Blocks.Mod(rank - rotation, size);
        int segment = Math.Max(1, RingReduceScatter.SegmentBytes / sizeof(T));

        var units = new List<RingReduceScatter.Segment>();
        for (int step = 0; step < size - 1; step++)
        {
            int block = Blocks.Mod(self - step - 1, size);
            RingReduceScatter.AddSegments(units, offsets[block], lengths[block], segment, forward: step < size - 2);
        }

        var sends = new List<Request>();
        var receives = new Request?[units.Count];
        fixed (T* dataPointer = data)
        {
            try
            {
                for (int u = 0; u < units.Count; u++)
                    receives[u] = context.StartReceive(left, tag, (byte*)(dataPointer + units[u].Offset), (long)units[u].Length * sizeof(T));
                for (int offset = 0; offset < lengths[self]; offset += segment)
                {
                    int length = Math.Min(segment, lengths[self] - offset);
                    sends.Add(context.StartSend(right, tag, (byte*)(dataPointer + offsets[self] + offset), (long)length * sizeof(T)));
                }
                for (int u = 0; u < units.Count; u++)
                {
                    RingReduceScatter.Segment unit = units[u];
                    context.WaitReceive(receives[u]!, (long)unit.Length * sizeof(T), left);
                    if (unit.Forward)
                        sends.Add(context.StartSend(right, tag, (byte*)(dataPointer + unit.Offset), (long)unit.Length * sizeof(T)));
                }
                Request.WaitAll(CollectionsMarshal.AsSpan(sends));
            }
            catch
            {
                context.AbandonReceives(receives);
                throw;
            }
        }
    }
}
