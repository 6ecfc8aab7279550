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
internal sealed class RecursiveDoublingAllreduce : IPowerOfTwoAlgorithm
{
    /// <inheritdoc />
    public static void RunFolded<T>(CollectiveContext context, int tag, Span<T> data, Span<T> incoming, ReduceKernel<T> kernel, FoldedRanks ranks)
        where T : unmanaged
    {
        for (int mask = 1; mask < ranks.PowerOfTwo; mask <<= 1)
        {
            int partner = ranks.RealRank(ranks.VirtualRank ^ mask);
            context.SendReceive(partner, data, partner, incoming, tag);
            if (partner < context.Rank)
                kernel.CombineLower(incoming, data);
            else
                kernel.CombineHigher(data, incoming);
        }
    }
}
