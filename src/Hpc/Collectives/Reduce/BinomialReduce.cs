using Hpc.Reduction;

namespace Hpc.Collectives.Reduce;

/// <summary>
/// Binomial-tree reduce: relative rank v first folds in the subtrees of v + 1, v + 2, v + 4, …
/// (each covering the next higher ranks, so accumulator ∘ child keeps their order) and then
/// sends its result to its parent. ⌈log2 n⌉ rounds.
/// </summary>
/// <remarks>
/// For a commutative operation the tree is rooted at the root. For a non-commutative one it is
/// rooted at rank 0, where relative and real ranks coincide and the result is exactly
/// x0 ∘ x1 ∘ … ∘ x(n−1); rank 0 then forwards it to the root.
/// </remarks>
internal static class BinomialReduce
{
    /// <summary>
    /// Reduces every rank's <paramref name="accumulator"/> into the root's. Non-root
    /// accumulators are used as working space and left with partial results.
    /// </summary>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> accumulator, ReduceKernel<T> kernel, int root) where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        if (size == 1)
            return;
        int treeRoot = kernel.IsCommutative ? root : 0;
        int relative = Blocks.Mod(rank - treeRoot, size);
        bool hasChildren = (relative & 1) == 0 && relative + 1 < size;
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(hasChildren ? accumulator.Length : 0);
        Span<T> incoming = scratch.Span;

        for (int mask = 1; mask < size; mask <<= 1)
        {
            if ((relative & mask) != 0)
            {
                context.Send((relative - mask + treeRoot) % size, tag, accumulator);
                break;
            }
            int child = relative + mask;
            if (child < size)
            {
                context.Receive((child + treeRoot) % size, tag, incoming);
                kernel.CombineHigher(accumulator, incoming);
            }
        }

        if (treeRoot != root)
        {
            if (rank == treeRoot)
                context.Send(root, tag, accumulator);
            else if (rank == root)
                context.Receive(treeRoot, tag, accumulator);
        }
    }
}
