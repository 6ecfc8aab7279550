namespace Hpc.Collectives;

/// <summary>
/// Where a rank sits in the binomial tree that binomial gather and scatter share (as in MPICH):
/// ranks are numbered relative to the root, v = (rank − root) mod n; v's parent is v with its
/// lowest set bit cleared, and v's subtree is v … v + lowbit(v) − 1 (cut at n; the root's is
/// everyone), so a subtree's blocks are contiguous in relative order.
/// </summary>
internal readonly struct BinomialTree
{
    private readonly int _root;

    /// <summary>The tree of <paramref name="context"/>'s ranks rooted at <paramref name="root"/>, seen from this rank.</summary>
    public BinomialTree(CollectiveContext context, int root)
    {
        _root = root;
        Size = context.Size;
        Relative = Blocks.Mod(context.Rank - root, Size);
        LowBit = Relative & -Relative;
        Subtree = Relative == 0 ? Size : Math.Min(LowBit, Size - Relative);
    }

    /// <summary>How many ranks the whole tree holds.</summary>
    public int Size { get; }

    /// <summary>This rank's number relative to the root (0 at the root).</summary>
    public int Relative { get; }

    /// <summary>The lowest set bit of <see cref="Relative"/> (0 at the root): the size of the rank's subtree before it is cut at n.</summary>
    public int LowBit { get; }

    /// <summary>How many ranks the subtree rooted here holds, this rank included.</summary>
    public int Subtree { get; }

    /// <summary>The real rank of this rank's parent (not meaningful at the root).</summary>
    public int Parent => RealRank(Relative - LowBit);

    /// <summary>The real rank of relative rank <paramref name="relative"/>.</summary>
    public int RealRank(int relative) => (relative + _root) % Size;

    /// <summary>
    /// The child <paramref name="mask"/> below this rank (relative rank Relative + mask, for a
    /// mask below <see cref="LowBit"/>): false where that is past the last rank; otherwise its
    /// real <paramref name="rank"/> and how many ranks its <paramref name="subtree"/> holds.
    /// </summary>
    public bool TryChild(int mask, out int rank, out int subtree)
    {
        int child = Relative + mask;
        if (child >= Size)
        {
            (rank, subtree) = (-1, 0);
            return false;
        }
        (rank, subtree) = (RealRank(child), Math.Min(mask, Size - child));
        return true;
    }

    /// <summary>
    /// Copies all ranks' blocks of <paramref name="block"/> elements from relative-rank order
    /// (<paramref name="relative"/>, block i of relative rank i) into rank order in
    /// <paramref name="ranked"/>: a rotation by the root's blocks.
    /// </summary>
    public void ToRankOrder<T>(ReadOnlySpan<T> relative, Span<T> ranked, int block)
    {
        int tail = (Size - _root) * block;
        relative[..tail].CopyTo(ranked[(_root * block)..]);
        relative[tail..(Size * block)].CopyTo(ranked);
    }

    /// <summary>The inverse of <see cref="ToRankOrder"/>: all ranks' blocks from rank order into relative-rank order.</summary>
    public void ToRelativeOrder<T>(ReadOnlySpan<T> ranked, Span<T> relative, int block)
    {
        int tail = (Size - _root) * block;
        ranked.Slice(_root * block, tail).CopyTo(relative);
        ranked[..(_root * block)].CopyTo(relative[tail..]);
    }
}
