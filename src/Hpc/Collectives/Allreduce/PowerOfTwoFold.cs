using Hpc.Reduction;

namespace Hpc.Collectives.Allreduce;

/// <summary>
/// The non-power-of-two fold shared by recursive doubling and Rabenseifner (MPICH): the first
/// 2r ranks pair up (even → odd) so that a power of two of "virtual ranks" remains, each
/// standing for a contiguous range of real ranks.
/// </summary>
internal static class PowerOfTwoFold
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
