using Hpc.Collectives;
using Hpc.Reduction;
using CollectiveKind = Hpc.Collective;

namespace Hpc;

// Which algorithm a collective runs here: every collective asks AlgorithmSelector through
// Select, and programs and benchmarks can ask the same question to report the choice.
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
        return (AllreduceAlgorithm)Select(CollectiveKind.Allreduce, (int)requested, Bytes<T>(count), kernel.IsCommutative, blocking: true);
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
        if ((uint)collective >= (uint)CollectiveCatalog.Count)
            throw new ArgumentOutOfRangeException(nameof(collective), collective, "unknown collective");
        return AlgorithmSelector.NameFor(new SelectionInput(collective, collective == CollectiveKind.Barrier ? 0 : bytes, commutative, Topology), Configuration);
    }

    /// <summary>
    /// The algorithm (a value of the collective's algorithm enum) a call on this communicator
    /// runs. A non-blocking call never gets a shared-memory algorithm (see <see cref="CollectiveTopology.ForNonBlocking"/>).
    /// </summary>
    private int Select(CollectiveKind collective, int requested, long bytes, bool commutative, bool blocking) =>
        AlgorithmSelector.Select(requested, new SelectionInput(collective, bytes, commutative, blocking ? Topology : Topology.ForNonBlocking), Configuration);
}
