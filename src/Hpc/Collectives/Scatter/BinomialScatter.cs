namespace Hpc.Collectives.Scatter;

/// <summary>
/// Binomial-tree scatter (equal blocks): the root sends each child the blocks of the child's
/// whole subtree in one message, and inner ranks pass the upper parts on the same way.
/// ⌈log2 n⌉ steps; blocks travel through inner ranks, so it pays for small blocks.
/// </summary>
internal static class BinomialScatter
{
    /// <remarks>
    /// <para><paramref name="send"/>: At the root: Size × <paramref name="receive"/>.Length elements in rank order.</para>
    /// <para><paramref name="receive"/>: This rank's block.</para>
    /// </remarks>
    public static void Run<T>(CollectiveContext context, int tag, ReadOnlySpan<T> send, Span<T> receive, int root) where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        int block = receive.Length;
        var tree = new BinomialTree(rank, root, size);
        if (tree.Subtree == 1 && tree.Relative != 0)
        {
            context.Receive(tree.Parent, tag, receive);
            return;
        }

        // The root lays the blocks out in relative-rank order (a rotation, unless root is 0).
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(tree.Relative == 0 && root == 0 ? 0 : tree.Subtree * block);
        ReadOnlySpan<T> blocks;
        int mask;
        if (tree.Relative == 0)
        {
            if (root == 0)
            {
                blocks = send[..(size * block)];
            }
            else
            {
                Span<T> rotated = scratch.Span;
                int tail = (size - root) * block;
                send.Slice(root * block, tail).CopyTo(rotated);
                send[..(root * block)].CopyTo(rotated[tail..]);
                blocks = rotated;
            }
            mask = 1;
            while (mask < size)
                mask <<= 1;
        }
        else
        {
            context.Receive(tree.Parent, tag, scratch.Span);
            blocks = scratch.Span;
            mask = tree.LowBit;
        }

        for (mask >>= 1; mask > 0; mask >>= 1)
        {
            int child = tree.Relative + mask;
            if (child < size)
                context.Send(tree.RealRank(child), tag, blocks.Slice(mask * block, Math.Min(mask, size - child) * block));
        }
        blocks[..block].CopyTo(receive);
    }
}
