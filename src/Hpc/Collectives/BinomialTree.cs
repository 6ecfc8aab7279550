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
    private readonly int _size;

    public BinomialTree(int rank, int root, int size)
    {
        _root = root;
        _size = size;
        Relative = Blocks.Mod(rank - root, size);
        LowBit = Relative & -Relative;
        Subtree = Relative == 0 ? size : Math.Min(LowBit, size - Relative);
    }

    /// <summary>This rank's number relative to the root (0 at the root).</summary>
    public int Relative { get; }

    /// <summary>The lowest set bit of <see cref="Relative"/> (0 at the root): the size of the rank's subtree before it is cut at n.</summary>
    public int LowBit { get; }

    /// <summary>How many ranks the subtree rooted here holds, this rank included.</summary>
    public int Subtree { get; }

    /// <summary>The real rank of this rank's parent (not meaningful at the root).</summary>
    public int Parent => RealRank(Relative - LowBit);

    /// <summary>The real rank of relative rank <paramref name="relative"/>.</summary>
    public int RealRank(int relative) => (relative + _root) % _size;
}
