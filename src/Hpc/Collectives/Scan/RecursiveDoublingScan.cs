using Hpc.Reduction;

namespace Hpc.Collectives.Scan;

/// <summary>
/// Prefix reduction by recursive doubling (MPICH's Scan and Exscan): in round k each rank
/// swaps the reduction of its aligned group of 2^k ranks with the partner differing in bit k.
/// A rank takes a partner's group into its prefix only when the partner is lower, on the left;
/// the group total grows on the left or right as the partner is lower or higher. ⌈log2 n⌉
/// rounds, rank order kept, so non-commutative operations work.
/// </summary>
internal static class RecursiveDoublingScan
{
    /// <remarks>
    /// <para><paramref name="exclusive"/>: False: rank r gets x0 ∘ … ∘ xr (MPI_Scan). True: rank r gets x0 ∘ … ∘ x(r−1) (MPI_Exscan); rank 0's <paramref name="receive"/> is left untouched.</para>
    /// </remarks>
    public static void Run<T>(CollectiveContext context, int tag, ReadOnlySpan<T> send, Span<T> receive, ReduceKernel<T> kernel, bool exclusive)
        where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        int count = send.Length;
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(2 * count);
        Span<T> groupTotal = scratch.Span[..count];
        Span<T> incoming = scratch.Span[count..];
        send.CopyTo(groupTotal);
        if (!exclusive)
            groupTotal.CopyTo(receive);
        bool havePrefix = !exclusive;

        for (int mask = 1; mask < size; mask <<= 1)
        {
            int partner = rank ^ mask;
            if (partner >= size)
                continue;
            context.SendReceive(partner, groupTotal, partner, incoming, tag);
            if (partner < rank)
            {
                kernel.CombineLower(incoming, groupTotal);
                if (havePrefix)
                {
                    kernel.CombineLower(incoming, receive);
                }
                else
                {
                    incoming.CopyTo(receive);
                    havePrefix = true;
                }
            }
            else
            {
                kernel.CombineHigher(groupTotal, incoming);
            }
        }
    }
}
