using Hpc.Collectives;
using Hpc.Reduction;

namespace Hpc;

// Which algorithm a collective would use here, so programs and benchmarks can report it.
public sealed partial class Communicator
{
    /// <summary>
    /// The allreduce algorithm that <c>Allreduce</c> on <paramref name="count"/> elements of
    /// <typeparamref name="T"/> with <paramref name="op"/> runs on this communicator:
    /// <paramref name="requested"/> when it is not Auto, else <c>HPC_COLL</c>, the tuning file, or
    /// the built-in table. <c>AlgorithmNames.Of(...)</c> gives its name ("ring", …).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="op"/> is not defined for <typeparamref name="T"/>.</exception>
    public AllreduceAlgorithm SelectAllreduceAlgorithm<T>(int count, ReduceOp op, AllreduceAlgorithm requested = AllreduceAlgorithm.Auto) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ReduceKernel<T> kernel = KernelOf<T>(op);
        return ChooseAllreduce(Bytes<T>(count), kernel.IsCommutative, requested, blocking: true);
    }

    /// <summary>
    /// Name of the algorithm a blocking <paramref name="collective"/> would use on this
    /// communicator when left to choose (Auto), e.g. "ring", "recursive_doubling", or
    /// "shared_memory" where every rank shares one host.
    /// </summary>
    /// <param name="collective">The collective operation.</param>
    /// <param name="bytes">
    /// The size the selector looks at: the whole vector for allreduce, bcast and reduce; one
    /// rank's block for gather, scatter and alltoall; all blocks together for allgather and
    /// reduce_scatter; ignored for barrier.
    /// </param>
    /// <param name="commutative">Whether the reduction operation is commutative (reductions only).</param>
    public string AlgorithmFor(Collective collective, long bytes, bool commutative = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return collective switch
        {
            global::Hpc.Collective.Allreduce => AlgorithmNames.Of(ChooseAllreduce(bytes, commutative, AllreduceAlgorithm.Auto, blocking: true)),
            global::Hpc.Collective.Broadcast => AlgorithmNames.Of(ChooseBroadcast(bytes, BroadcastAlgorithm.Auto, blocking: true)),
            global::Hpc.Collective.Barrier when UseSharedMemoryBarrier() => AlgorithmNames.Of(BarrierAlgorithm.SharedMemory),
            _ => AlgorithmSelector.NameFor(collective, Size, bytes, commutative, Configuration),
        };
    }
}
