using Hpc.Collectives.Allgather;
using Hpc.Collectives.Broadcast;
using Hpc.Collectives.Reduce;
using Hpc.Collectives.ReduceScatter;
using Hpc.Reduction;

namespace Hpc.Collectives.Allreduce;

/// <summary>
/// Ring allreduce (Patarasuk and Yuan; the algorithm of Gloo, Horovod and NCCL): a ring
/// reduce-scatter leaves block r fully reduced on rank r, then a ring allgather hands every
/// block to every rank. Each rank sends and receives 2(n − 1)/n of the vector — the minimum —
/// in 2(n − 1) neighbour steps, pipelined in segments so transfer and reduction overlap. Each
/// element is reduced once, by one chain of ranks, then copied: all ranks get identical bits.
/// </summary>
/// <remarks>
/// The reduce-scatter chains wrap around the ring, which would reorder a non-commutative
/// operation. For those the reduction instead runs as an ordered pipeline 0 → 1 → … → n − 1
/// (<see cref="PipelinedChainReduce"/>) and the last rank broadcasts the result with scatter +
/// ring allgather: the same links and about the same bytes per rank, n − 1 more steps.
/// </remarks>
internal static class RingAllreduce
{
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        int size = context.Size;
        if (size == 1 || data.IsEmpty)
            return;
        if (!kernel.IsCommutative)
        {
            PipelinedChainReduce.Run(context, tag, data, kernel);
            ScatterAllgatherBroadcast.Run(context, tag, data, root: size - 1);
            return;
        }
        (int[] offsets, int[] lengths) = Blocks.Even(data.Length, size);
        RingReduceScatter.Run(context, tag, data, offsets, lengths, kernel);
        RingAllgather.Run(context, tag, data, offsets, lengths);
    }
}
