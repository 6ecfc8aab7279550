using System.Numerics;
using Hpc.Reduction;

namespace Hpc.Collectives.Allreduce;

/// <summary>
/// Recursive doubling (butterfly) allreduce, as in MPICH: in round k each rank swaps its whole
/// vector with the partner whose rank differs in bit k and both combine. log2 n rounds — the
/// fewest messages, so best for small vectors.
/// </summary>
/// <remarks>
/// <para>
/// Both partners combine lower-rank data ∘ higher-rank data from the same two operands, so they
/// compute the same bits; by induction every rank ends with an identical result, and the order
/// is rank order, so non-commutative operations work too (partners differ in bit k, so each
/// holds a contiguous, aligned range of ranks).
/// </para>
/// <para>
/// Sizes that are not a power of two fold first: with p the largest power of two ≤ n and
/// r = n − p, each even rank below 2r hands its vector to the odd rank above it and sits the
/// butterfly out; the odd rank stands for both (x(2i) ∘ x(2i+1), still contiguous). At the end
/// the odd rank hands the result back.
/// </para>
/// </remarks>
internal static class RecursiveDoublingAllreduce
{
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        if (size == 1 || data.IsEmpty)
            return;
        int powerOfTwo = 1 << BitOperations.Log2((uint)size);
        int extra = size - powerOfTwo;
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(data.Length);
        Span<T> incoming = scratch.Span;

        int virtualRank = Fold.Enter(context, tag, data, incoming, kernel, extra);
        if (virtualRank >= 0)
        {
            for (int mask = 1; mask < powerOfTwo; mask <<= 1)
            {
                int partner = Fold.RealRank(virtualRank ^ mask, extra);
                context.SendReceive(partner, data, partner, incoming, tag);
                if (partner < rank)
                    kernel.CombineLower(incoming, data);
                else
                    kernel.CombineHigher(data, incoming);
            }
        }
        Fold.Leave(context, tag, data, extra);
    }
}

/// <summary>
/// The non-power-of-two fold shared by recursive doubling and Rabenseifner (MPICH): the first
/// 2r ranks pair up (even → odd) so that a power of two of "virtual ranks" remains, each
/// standing for a contiguous range of real ranks.
/// </summary>
internal static class Fold
{
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
