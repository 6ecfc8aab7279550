using Hpc.Collectives.Allgather;

namespace Hpc.Collectives.Broadcast;

/// <summary>
/// Broadcast for large messages (van de Geijn; MPICH's scatter + ring allgather): the root's
/// message is cut into n pieces, scattered down a binomial tree so each rank gets one piece,
/// then a ring allgather completes the message everywhere. Every rank sends about 2× the
/// message once instead of the binomial tree's log2 n whole copies at the top.
/// </summary>
internal static class ScatterAllgatherBroadcast
{
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, int root) where T : unmanaged
    {
        int size = context.Size;
        if (size == 1 || data.IsEmpty)
            return;
        // Piece i belongs to the rank i places after the root.
        (int[] offsets, int[] lengths) = Blocks.Even(data.Length, size);
        int relative = Blocks.Mod(context.Rank - root, size);

        // Binomial scatter: relative rank v owns pieces [v, v + lowbit(v)), which its parent
        // sends in one message, and passes the upper parts on to its own children.
        int mask = 1;
        while (mask < size)
        {
            if ((relative & mask) != 0)
            {
                int parent = (relative - mask + root) % size;
                Span<T> mine = Pieces(data, offsets, relative, Math.Min(relative + mask, size));
                if (!mine.IsEmpty)
                    context.Receive(parent, tag, mine);
                break;
            }
            mask <<= 1;
        }
        for (mask >>= 1; mask > 0; mask >>= 1)
        {
            int child = relative + mask;
            if (child >= size)
                continue;
            Span<T> theirs = Pieces(data, offsets, child, Math.Min(child + mask, size));
            if (!theirs.IsEmpty)
                context.Send((child + root) % size, tag, theirs);
        }

        RingAllgather.Run(context, tag, data, offsets, lengths, rotation: root);
    }

    private static Span<T> Pieces<T>(Span<T> data, int[] offsets, int first, int end) =>
        data[offsets[first]..(end < offsets.Length ? offsets[end] : data.Length)];
}
