using Hpc.Reduction;

namespace Hpc.Collectives.Reduce;

/// <summary>
/// Ordered pipeline along the ring links 0 → 1 → … → n − 1: rank r receives the partial
/// x0 ∘ … ∘ x(r−1) segment by segment, appends its own contribution on the right and passes
/// the segment on, so the last rank ends with x0 ∘ x1 ∘ … ∘ x(n−1) in exact rank order. It is
/// how the ring algorithms handle non-commutative operations: same links and the same bytes
/// per link as the ring, at the cost of n − 1 extra pipeline steps.
/// </summary>
internal static class PipelinedChainReduce
{
    /// <summary>
    /// Reduces every rank's <paramref name="data"/> into the last rank's <paramref name="data"/>;
    /// rank r is left holding the prefix x0 ∘ … ∘ xr.
    /// </summary>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        if (size == 1 || data.IsEmpty)
            return;
        // Rank 0 starts the chain with its own data; every other rank folds what arrives into
        // its own and, unless it is the last, passes each segment on once folded.
        var incoming = new List<SegmentPipeline.Segment>();
        if (rank > 0)
            SegmentPipeline.AddSegments(incoming, 0, data.Length, SegmentPipeline.SegmentLength<T>(), forward: rank < size - 1);
        SegmentPipeline.Run(context, tag, data, left: rank - 1, right: rank + 1, ownOffset: 0, ownLength: rank == 0 ? data.Length : 0, incoming, kernel);
    }
}
