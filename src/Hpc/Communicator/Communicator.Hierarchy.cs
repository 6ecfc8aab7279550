using Hpc.Collectives;
using Hpc.Collectives.Hierarchical;
using Hpc.Collectives.NonBlocking;
using Hpc.Reduction;
using CollectiveKind = Hpc.Collective;

namespace Hpc;

// The node-aware algorithms' view of a communicator: its host and leader parts (built once, on
// the first node-aware call, without communication: Collectives/Hierarchical/NodeHierarchy.cs),
// and the entry points those algorithms call on the parts. The parts' collectives take a
// reduction kernel rather than a ReduceOp (the parent call has already resolved it), choose
// their own algorithms with the parts' own topology, and the Start… forms run a part's
// collective on a background thread so a leader can overlap its network phase with the next
// segment's host phase.
public sealed unsafe partial class Communicator
{
    private NodeHierarchy? _hierarchy;

    /// <summary>The host and leader parts of this communicator, built on first use.</summary>
    internal NodeHierarchy Hierarchy
    {
        get
        {
            NodeHierarchy? hierarchy = Volatile.Read(ref _hierarchy);
            if (hierarchy is not null)
                return hierarchy;
            // Local and deterministic, so a race between two threads only builds it twice.
            Interlocked.CompareExchange(ref _hierarchy, new NodeHierarchy(this), null);
            return _hierarchy!;
        }
    }

    private int[]? _hostIndexOfRank;

    /// <summary>Each rank's host as an index (hosts numbered in order of first appearance), computed on first use without communication.</summary>
    internal int[] HostIndexOfRank => _hostIndexOfRank ??= CollectiveTopology.HostIndices(WorldRanks, Runtime.Hosts);

    /// <summary>Whether a node-aware call has built <see cref="Hierarchy"/> (tests ask, to see which family ran).</summary>
    internal bool HasHierarchy => Volatile.Read(ref _hierarchy) is not null;

    /// <summary>Allreduce in place with a resolved kernel (a part's blocking phase).</summary>
    internal void AllreduceWith<T>(Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        var algorithm = (AllreduceAlgorithm)Select(CollectiveKind.Allreduce, 0, Bytes<T>(data.Length), kernel.IsCommutative, blocking: true);
        RunAllreduce(new AllreduceCall<T>(Collective.NextTag(), kernel, algorithm), data);
    }

    /// <summary>Reduce with a resolved kernel; <paramref name="receive"/> is used at <paramref name="root"/> only (a part's blocking phase).</summary>
    internal void ReduceWith<T>(ReadOnlySpan<T> send, Span<T> receive, ReduceKernel<T> kernel, int root) where T : unmanaged
    {
        var algorithm = (ReduceAlgorithm)Select(CollectiveKind.Reduce, 0, Bytes<T>(send.Length), kernel.IsCommutative, blocking: true);
        RunReduce(new ReduceCall<T>(Collective.NextTag(), root, kernel, algorithm), send, receive);
    }

    /// <summary>
    /// Starts an in-place allreduce of <paramref name="length"/> elements at <paramref name="data"/>
    /// on a background thread; the caller keeps the memory pinned until the task ends.
    /// </summary>
    internal Task StartAllreduceWith<T>(T* data, int length, ReduceKernel<T> kernel) where T : unmanaged
    {
        var algorithm = (AllreduceAlgorithm)Select(CollectiveKind.Allreduce, 0, Bytes<T>(length), kernel.IsCommutative, blocking: false);
        var prepared = new AllreduceCall<T>(Collective.NextTag(), kernel, algorithm);
        nint address = (nint)data;
        return CollectiveWorkers.Run(() => RunAllreduce(prepared, new Span<T>((T*)address, length)));
    }

    /// <summary>Starts an in-place reduce to <paramref name="root"/> on a background thread; the caller keeps the memory pinned until the task ends.</summary>
    internal Task StartReduceWith<T>(T* data, int length, ReduceKernel<T> kernel, int root) where T : unmanaged
    {
        var algorithm = (ReduceAlgorithm)Select(CollectiveKind.Reduce, 0, Bytes<T>(length), kernel.IsCommutative, blocking: false);
        var prepared = new ReduceCall<T>(Collective.NextTag(), root, kernel, algorithm);
        nint address = (nint)data;
        return CollectiveWorkers.Run(() =>
        {
            var span = new Span<T>((T*)address, length);
            RunReduce(prepared, span, span);
        });
    }

    /// <summary>Starts a broadcast from <paramref name="root"/> on a background thread; the caller keeps the memory pinned until the task ends.</summary>
    internal Task StartBroadcast<T>(T* data, int length, int root) where T : unmanaged
    {
        var algorithm = (BroadcastAlgorithm)Select(CollectiveKind.Broadcast, 0, Bytes<T>(length), commutative: true, blocking: false);
        var prepared = new BroadcastCall(Collective.NextTag(), root, algorithm);
        nint address = (nint)data;
        return CollectiveWorkers.Run(() => RunBroadcast(prepared, new Span<T>((T*)address, length)));
    }
}
