using Hpc.Collectives.Reduce;
using Hpc.Collectives.Scatter;
using Hpc.Reduction;

namespace Hpc.Collectives.ReduceScatter;

/// <summary>
/// The ring reduce-scatter behind the public ReduceScatter: blocks of any size, result block
/// copied out. A non-commutative operation runs as the ordered pipeline to the last rank,
/// which then sends each rank its block.
/// </summary>
internal static class RingReduceScatterv
{
    /// <remarks>
    /// <para><paramref name="work"/>: Every rank's full contribution; used as working space.</para>
    /// </remarks>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> work, Span<T> receive, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements, ReduceKernel<T> kernel)
        where T : unmanaged
    {
        int rank = context.Rank;
        if (kernel.IsCommutative)
        {
            RingReduceScatter.Run(context, tag, work, displacements, counts, kernel);
            work.Slice(displacements[rank], counts[rank]).CopyTo(receive);
            return;
        }
        PipelinedChainReduce.Run(context, tag, work, kernel);
        LinearScatter.Run(context, tag, work, counts, displacements, receive[..counts[rank]], root: context.Size - 1);
    }
}
