using Hpc.Collectives.Reduce;
using Hpc.Collectives.Scatter;
using Hpc.Reduction;

namespace Hpc.Collectives.ReduceScatter;

/// <summary>
/// Reduce-scatter as a binomial reduce to rank 0 followed by a linear scatter of the blocks
/// (Open MPI's "non-overlapping" reduce_scatter). Few steps and rank order kept, so it serves
/// small vectors and non-commutative operations.
/// </summary>
internal static class ReduceThenScatter
{
    /// <remarks>
    /// <para><paramref name="work"/>: Every rank's full contribution; used as working space.</para>
    /// </remarks>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> work, Span<T> receive, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements, ReduceKernel<T> kernel)
        where T : unmanaged
    {
        BinomialReduce.Run(context, tag, work, kernel, root: 0);
        LinearScatter.Run(context, tag, work, counts, displacements, receive[..counts[context.Rank]], root: 0);
    }
}
