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
        var tree = new BinomialTree(context, root);
        int block = receive.Length;
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
                blocks = send[..(tree.Size * block)];
            }
            else
            {
                tree.ToRelativeOrder(send, scratch.Span, block);
                blocks = scratch.Span;
            }
            mask = 1;
            while (mask < tree.Size)
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
            if (tree.TryChild(mask, out int child, out int subtree))
                context.Send(child, tag, blocks.Slice(mask * block, subtree * block));
        }
        blocks[..block].CopyTo(receive);
    }
}
