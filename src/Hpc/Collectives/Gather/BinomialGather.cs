namespace Hpc.Collectives.Gather;

/// <summary>
/// Binomial-tree gather (equal blocks): relative rank v collects the blocks of its subtree
/// (v … v + lowbit(v) − 1) from its children, then sends them to its parent in one message.
/// ⌈log2 n⌉ steps instead of n − 1 messages at the root; data passes through inner ranks, so
/// it pays for small blocks.
/// </summary>
internal static class BinomialGather
{
    /// <remarks>
    /// <para><paramref name="receive"/>: At the root: room for Size × <paramref name="send"/>.Length elements, in rank order.</para>
    /// </remarks>
    public static void Run<T>(CollectiveContext context, int tag, ReadOnlySpan<T> send, Span<T> receive, int root) where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        int block = send.Length;
        var tree = new BinomialTree(rank, root, size);
        if (tree.Subtree == 1)
        {
            if (tree.Relative != 0)
                context.Send(tree.Parent, tag, send);
            else
                send.CopyTo(receive);
            return;
        }

        // Blocks are collected in relative-rank order; only a root other than 0 must rotate them.
        bool direct = rank == root && root == 0;
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(direct ? 0 : tree.Subtree * block);
        Span<T> collected = direct ? receive[..(size * block)] : scratch.Span;
        send.CopyTo(collected);
        for (int mask = 1; mask < size; mask <<= 1)
        {
            if ((tree.Relative & mask) != 0)
            {
                context.Send(tree.Parent, tag, (ReadOnlySpan<T>)collected);
                return;
            }
            int child = tree.Relative + mask;
            if (child < size)
            {
                int blocks = Math.Min(mask, size - child);
                context.Receive(tree.RealRank(child), tag, collected.Slice(mask * block, blocks * block));
            }
        }
        if (!direct)
        {
            // Relative block i belongs to rank (i + root) mod n.
            int tail = (size - root) * block;
            collected[..tail].CopyTo(receive[(root * block)..]);
            collected[tail..].CopyTo(receive);
        }
    }
}
