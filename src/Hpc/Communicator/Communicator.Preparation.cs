using Hpc.Diagnostics;
using Hpc.Collectives;
using Hpc.Reduction;
using CollectiveKind = Hpc.Collective;

namespace Hpc;

// One preparation per collective, shared by its blocking, …Async and I… forms (as mpi4py's
// _p_msg_cco.for_allreduce prepares a call's buffers once for MPI_Allreduce and MPI_Iallreduce):
// the arguments are checked, the reduction kernel and the algorithm chosen and the call's tag
// drawn, all on the calling thread and in call order. What that yields is a small struct, so
// preparing costs no allocation; the blocking form then runs the algorithm at once, the others
// on a background thread (Communicator.NonBlocking.cs). Span arguments serve both: a Memory<T>
// caller passes memory.Span.
public sealed partial class Communicator
{
    private readonly record struct BarrierCall(int Tag, BarrierAlgorithm Algorithm);

    private readonly record struct BroadcastCall(int Tag, int Root, BroadcastAlgorithm Algorithm);

    private readonly record struct ReduceCall<T>(int Tag, int Root, ReduceKernel<T> Kernel, ReduceAlgorithm Algorithm) where T : unmanaged;

    private readonly record struct AllreduceCall<T>(int Tag, ReduceKernel<T> Kernel, AllreduceAlgorithm Algorithm) where T : unmanaged;

    private readonly record struct GatherCall(int Tag, int Root, GatherAlgorithm Algorithm);

    private readonly record struct ScatterCall(int Tag, int Root, ScatterAlgorithm Algorithm);

    /// <summary>An Allgather (<paramref name="Uniform"/>: equal counts, which collective checking compares) or an Allgatherv.</summary>
    private readonly record struct AllgatherCall(int Tag, bool Uniform, int[] Counts, int[] Displacements, AllgatherAlgorithm Algorithm);

    private readonly record struct AlltoallCall(int Tag, int Block, AlltoallAlgorithm Algorithm);

    private BarrierCall PrepareBarrier(BarrierAlgorithm requested, bool blocking)
    {
        CheckUsable();
        var algorithm = (BarrierAlgorithm)Select(CollectiveKind.Barrier, (int)requested, 0, commutative: true, blocking);
        return new BarrierCall(Collective.NextTag(), algorithm);
    }

    private BroadcastCall PrepareBroadcast<T>(int length, int root, BroadcastAlgorithm requested, bool blocking) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        var algorithm = (BroadcastAlgorithm)Select(CollectiveKind.Broadcast, (int)requested, Bytes<T>(length), commutative: true, blocking);
        return new BroadcastCall(Collective.NextTag(), root, algorithm);
    }

    private ReduceCall<T> PrepareReduce<T>(ReadOnlySpan<T> send, ReadOnlySpan<T> receive, ReduceOp op, int root, ReduceAlgorithm requested, bool blocking)
        where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        ReduceKernel<T> kernel = KernelOf<T>(op);
        if (Rank == root)
        {
            CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
            CheckSameOrDisjoint(send, receive);
        }
        var algorithm = (ReduceAlgorithm)Select(CollectiveKind.Reduce, (int)requested, Bytes<T>(send.Length), kernel.IsCommutative, blocking);
        return new ReduceCall<T>(Collective.NextTag(), root, kernel, algorithm);
    }

    /// <summary>Prepares an allreduce of <paramref name="send"/> into <paramref name="receive"/> (the same span for the in-place forms).</summary>
    private AllreduceCall<T> PrepareAllreduce<T>(ReadOnlySpan<T> send, ReadOnlySpan<T> receive, ReduceOp op, AllreduceAlgorithm requested, bool blocking)
        where T : unmanaged
    {
        CheckUsable();
        CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
        CheckSameOrDisjoint(send, receive);
        ReduceKernel<T> kernel = KernelOf<T>(op);
        var algorithm = (AllreduceAlgorithm)Select(CollectiveKind.Allreduce, (int)requested, Bytes<T>(send.Length), kernel.IsCommutative, blocking);
        return new AllreduceCall<T>(Collective.NextTag(), kernel, algorithm);
    }

    private GatherCall PrepareGather<T>(int sendLength, int receiveLength, int root, GatherAlgorithm requested, bool blocking) where T : unmanaged
    {
        (int tag, int algorithm) = PrepareRootedBlocks<T>(CollectiveKind.Gather, sendLength, receiveLength, "receive", root, (int)requested, blocking);
        return new GatherCall(tag, root, (GatherAlgorithm)algorithm);
    }

    private ScatterCall PrepareScatter<T>(int sendLength, int receiveLength, int root, ScatterAlgorithm requested, bool blocking) where T : unmanaged
    {
        (int tag, int algorithm) = PrepareRootedBlocks<T>(CollectiveKind.Scatter, receiveLength, sendLength, "send", root, (int)requested, blocking);
        return new ScatterCall(tag, root, (ScatterAlgorithm)algorithm);
    }

    /// <summary>
    /// Gather and Scatter mirror each other: one equal <paramref name="block"/> per rank, collected
    /// in or handed out from the root's <paramref name="rootBuffer"/>, which must hold all of them.
    /// Returns the call's tag and algorithm (a value of the collective's algorithm enum).
    /// </summary>
    private (int Tag, int Algorithm) PrepareRootedBlocks<T>(CollectiveKind kind, int block, int rootBufferLength, string rootBuffer, int root,
        int requested, bool blocking) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        if (Rank == root)
            CheckRoom(rootBufferLength, (long)block * Size, rootBuffer, $"{Size} ranks × {block} elements");
        int algorithm = Select(kind, requested, Bytes<T>(block), commutative: true, blocking);
        return (Collective.NextTag(), algorithm);
    }

    private AllgatherCall PrepareAllgather<T>(int sendLength, int receiveLength, AllgatherAlgorithm requested, bool blocking) where T : unmanaged
    {
        CheckUsable();
        CheckRoom(receiveLength, (long)sendLength * Size, "receive", $"{Size} ranks × {sendLength} elements");
        var algorithm = (AllgatherAlgorithm)Select(CollectiveKind.Allgather, (int)requested, Bytes<T>((long)sendLength * Size), commutative: true, blocking);
        int[] counts = Blocks.Uniform(Size, sendLength);
        return new AllgatherCall(Collective.NextTag(), Uniform: true, counts, Blocks.Packed(counts), algorithm);
    }

    private AllgatherCall PrepareAllgatherv<T>(int sendLength, int receiveLength, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements,
        AllgatherAlgorithm requested, bool blocking) where T : unmanaged
    {
        CheckUsable();
        long total = CheckCounts(counts, nameof(counts));
        CheckDisplacements(counts, displacements, receiveLength, nameof(displacements), "receive");
        if (counts[Rank] != sendLength)
            throw new ArgumentException($"{nameof(counts)}[{Rank}] is {counts[Rank]} but rank {Rank} sends {sendLength} elements", nameof(counts));
        var algorithm = (AllgatherAlgorithm)Select(CollectiveKind.Allgather, (int)requested, Bytes<T>(total), commutative: true, blocking);
        return new AllgatherCall(Collective.NextTag(), Uniform: false, counts.ToArray(), displacements.ToArray(), algorithm);
    }

    private AlltoallCall PrepareAlltoall<T>(ReadOnlySpan<T> send, ReadOnlySpan<T> receive, AlltoallAlgorithm requested, bool blocking) where T : unmanaged
    {
        CheckUsable();
        if (send.Length % Size != 0)
            throw new ArgumentException($"{nameof(send)} has {send.Length} elements, not a multiple of the {Size} ranks of '{Name}'", nameof(send));
        CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
        if (send.Overlaps(receive))
            throw new ArgumentException("alltoall cannot run in place: the send and receive buffers overlap", nameof(receive));
        int block = send.Length / Size;
        var algorithm = (AlltoallAlgorithm)Select(CollectiveKind.Alltoall, (int)requested, Bytes<T>(block), commutative: true, blocking);
        return new AlltoallCall(Collective.NextTag(), block, algorithm);
    }

    /// <summary>
    /// Prepares and begins a Gatherv or Scatterv (<paramref name="kind"/>): returns the call's
    /// scope and, in <paramref name="tag"/>, its tag. The checks happen at the root only, the one
    /// rank that knows the counts: one count per rank, each block inside the root's
    /// <paramref name="buffer"/>, and the root's own block matching <paramref name="ownLength"/>;
    /// for the same reason only the root's record (and --check comparison) carries the counts.
    /// </summary>
    private CallTracker.Scope BeginRootedVector<T>(CallKind kind, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements, int root,
        int bufferLength, string buffer, int ownLength, string ownDescription, out int tag) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        if (Rank == root)
        {
            CheckCounts(counts, nameof(counts));
            CheckDisplacements(counts, displacements, bufferLength, nameof(displacements), buffer);
            if (counts[root] != ownLength)
                throw new ArgumentException($"{nameof(counts)}[{root}] is {counts[root]} but {ownDescription} {ownLength} elements", nameof(counts));
        }
        tag = Collective.NextTag();
        return BeginCollective<T>(kind, tag, ownLength, root, vector: Rank == root ? counts : default);
    }

    /// <summary>The packed displacements of <paramref name="counts"/> at the root (checked there), none elsewhere.</summary>
    private int[] PackedAtRoot(ReadOnlySpan<int> counts, int root)
    {
        CheckUsable();
        CheckRoot(root);
        if (Rank != root)
            return [];
        CheckCounts(counts, nameof(counts));
        return Blocks.Packed(counts);
    }
}
