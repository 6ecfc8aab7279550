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
        var tree = new BinomialTree(context, root);
        int block = send.Length;
        if (tree.Subtree == 1)
        {
            if (tree.Relative != 0)
                context.Send(tree.Parent, tag, send);
            else
                send.CopyTo(receive);
            return;
        }

        // Blocks are collected in relative-rank order; only a root other than 0 must rotate them.
        bool direct = tree.Relative == 0 && root == 0;
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(direct ? 0 : tree.Subtree * block);
        Span<T> collected = direct ? receive[..(tree.Size * block)] : scratch.Span;
        send.CopyTo(collected);
        for (int mask = 1; mask < tree.Size; mask <<= 1)
        {
            if ((tree.Relative & mask) != 0)
            {
                context.Send(tree.Parent, tag, (ReadOnlySpan<T>)collected);
                return;
            }
            if (tree.TryChild(mask, out int child, out int subtree))
                context.Receive(child, tag, collected.Slice(mask * block, subtree * block));
        }
        if (!direct)
            tree.ToRankOrder(collected, receive, block);
    }
}
