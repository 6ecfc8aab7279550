using System.Numerics;
using Hpc.Reduction;

namespace Hpc.Collectives.Allreduce;

/// <summary>
/// The non-power-of-two fold shared by recursive doubling and Rabenseifner (MPICH): the first
/// 2r ranks pair up (even → odd) so that a power of two of "virtual ranks" remains, each
/// standing for a contiguous range of real ranks.
/// </summary>
internal static class PowerOfTwoFold
{
    /// <summary>
    /// Runs <typeparamref name="TAlgorithm"/> on every rank's <paramref name="data"/> in place:
    /// folds the extra ranks in, runs the algorithm on the virtual ranks (with a scratch vector
    /// as long as <paramref name="data"/>), and hands the result back to the ranks that sat out.
    /// Nothing to do on one rank or an empty vector.
    /// </summary>
    public static void Run<T, TAlgorithm>(CollectiveContext context, int tag, Span<T> data, ReduceKernel<T> kernel)
        where T : unmanaged
        where TAlgorithm : IPowerOfTwoAlgorithm
    {
        int size = context.Size;
        if (size == 1 || data.IsEmpty)
            return;
        int powerOfTwo = 1 << BitOperations.Log2((uint)size);
        int extra = size - powerOfTwo;
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(data.Length);
        int virtualRank = Enter(context, tag, data, scratch.Span, kernel, extra);
        if (virtualRank >= 0)
            TAlgorithm.RunFolded(context, tag, data, scratch.Span, kernel, new FoldedRanks(virtualRank, powerOfTwo, extra));
        Leave(context, tag, data, extra);
    }

    /// <summary>Folds the extra ranks in; returns this rank's virtual rank, or −1 if it sits out.</summary>
    public static int Enter<T>(CollectiveContext context, int tag, Span<T> data, Span<T> incoming, ReduceKernel<T> kernel, int extra) where T : unmanaged
    {
        int rank = context.Rank;
        if (rank >= 2 * extra)
            return rank - extra;
        if ((rank & 1) == 0)
        {
            context.Send(rank + 1, tag, data);
            return -1;
        }
        context.Receive(rank - 1, tag, incoming);
        kernel.CombineLower(incoming, data);
        return rank / 2;
    }

    /// <summary>Hands the result back to the ranks that sat out.</summary>
    public static void Leave<T>(CollectiveContext context, int tag, Span<T> data, int extra) where T : unmanaged
    {
        int rank = context.Rank;
        if (rank >= 2 * extra)
            return;
        if ((rank & 1) == 0)
            context.Receive(rank + 1, tag, data);
        else
            context.Send(rank - 1, tag, data);
    }

    /// <summary>Real rank of a virtual rank: the odd member of a folded pair, or shifted past the pairs.</summary>
    public static int RealRank(int virtualRank, int extra) => virtualRank < extra ? virtualRank * 2 + 1 : virtualRank + extra;
}

/// <summary>Where this rank stands once the extra ranks are folded in.</summary>
/// <param name="VirtualRank">This rank among the virtual ranks, 0 … PowerOfTwo − 1.</param>
/// <param name="PowerOfTwo">How many virtual ranks there are: the largest power of two ≤ size.</param>
/// <param name="Extra">size − PowerOfTwo: how many pairs were folded.</param>
internal readonly record struct FoldedRanks(int VirtualRank, int PowerOfTwo, int Extra)
{
    /// <summary>The real rank that stands for <paramref name="virtualRank"/>.</summary>
    public int RealRank(int virtualRank) => PowerOfTwoFold.RealRank(virtualRank, Extra);
}

/// <summary>An allreduce that runs on a power of two of ranks; <see cref="PowerOfTwoFold.Run{T, TAlgorithm}"/> makes it work for any size.</summary>
internal interface IPowerOfTwoAlgorithm
{
    /// <summary>
    /// Runs on the virtual ranks (only ranks that did not sit out call it); <paramref name="incoming"/>
    /// is scratch as long as <paramref name="data"/>. Partners are found with <see cref="FoldedRanks.RealRank"/>.
    /// </summary>
    static abstract void RunFolded<T>(CollectiveContext context, int tag, Span<T> data, Span<T> incoming, ReduceKernel<T> kernel, FoldedRanks ranks)
        where T : unmanaged;
}
