using Hpc.Collectives.Broadcast;
using Hpc.Collectives.Reduce;
using Hpc.Reduction;

namespace Hpc.Collectives.Allreduce;

/// <summary>
/// Tree allreduce: binomial reduce to rank 0, then binomial broadcast from rank 0. The result is
/// computed once, at rank 0, in rank order, and copied to everyone — bit-identical by
/// construction. 2⌈log2 n⌉ rounds of whole-vector messages: simple, order-preserving, fine for
/// small vectors; the top of the tree carries log2 n full copies for large ones.
/// </summary>
internal static class TreeAllreduce
{
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        if (context.Size == 1 || data.IsEmpty)
            return;
        BinomialReduce.Run(context, tag, data, kernel, root: 0);
        BinomialBroadcast.Run(context, tag, data, root: 0);
    }
}
