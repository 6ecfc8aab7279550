using Hpc.Reduction;

namespace Hpc.Collectives.Hierarchical;

/// <summary>
/// Node-aware allreduce (Open MPI coll/han's allreduce, MPICH's node-aware allreduce): reduce
/// within each host to its leader, allreduce among the leaders, broadcast within each host. Only
/// one rank per host touches the network, and the data crosses each host's link as a single
/// vector instead of once per rank there; within the host the phases run on the shared area
/// where the host part has one (there the host phase is a shared-memory allreduce, which costs
/// what a reduce to the leader would and leaves the host's partial result everywhere), else on
/// the point-to-point algorithms. The leaders' allreduce is whatever the table picks for their
/// number and the size (recursive doubling, Rabenseifner, ring).
/// </summary>
/// <remarks>
/// <para>
/// Vectors larger than one segment (<see cref="NodeHierarchy.SegmentBytes"/>) are pipelined:
/// a leader reduces segment k within its host, starts segment k's leaders' allreduce on a
/// background thread, then broadcasts segment k − 1 within the host once its allreduce is
/// done, so the network phase of one segment runs while the host phases of its neighbours do.
/// Every rank of a host makes the same host calls in the same order (reduce 0, reduce 1,
/// broadcast 0, reduce 2, broadcast 1, …), so the schedule cannot go out of step.
/// </para>
/// <para>
/// Rank order: the host phase combines in host-rank order and the leaders in host order, which
/// is rank order when every host holds an unbroken rank range; the selector runs this algorithm
/// for a non-commutative operation only then. The result is computed once, by the leaders, and
/// broadcast, so every rank ends bit-identical.
/// </para>
/// </remarks>
internal static unsafe class HierarchicalAllreduce
{
    public static void Run<T>(NodeHierarchy hierarchy, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        int segment = NodeHierarchy.SegmentLength<T>();
        if (data.Length <= segment)
        {
            ReduceWithinHost(hierarchy, data, kernel);
            hierarchy.Leaders?.AllreduceWith(data, kernel);
            hierarchy.Host.Broadcast(data, 0);
            return;
        }
        fixed (T* pointer = data)
            Pipelined(hierarchy, pointer, data.Length, segment, kernel);
    }

    private static void Pipelined<T>(NodeHierarchy hierarchy, T* data, int length, int segment, ReduceKernel<T> kernel) where T : unmanaged
    {
        Communicator host = hierarchy.Host;
        Communicator? leaders = hierarchy.Leaders;
        int count = (length + segment - 1) / segment;
        var running = new Queue<Task>();
        try
        {
            for (int k = 0; k <= count; k++)
            {
                if (k < count)
                {
                    int offset = k * segment;
                    int piece = Math.Min(segment, length - offset);
                    ReduceWithinHost(hierarchy, new Span<T>(data + offset, piece), kernel);
                    if (leaders is not null)
                        running.Enqueue(leaders.StartAllreduceWith(data + offset, piece, kernel));
                }
                if (k > 0)
                {
                    int offset = (k - 1) * segment;
                    if (leaders is not null)
                        NodeHierarchy.Await(running.Dequeue());
                    host.Broadcast(new Span<T>(data + offset, Math.Min(segment, length - offset)), 0);
                }
            }
        }
        catch
        {
            NodeHierarchy.Drain(running);
            throw;
        }
    }

    /// <summary>Leaves the host's partial result at its leader (and, on a shared area, at every rank of the host).</summary>
    private static void ReduceWithinHost<T>(NodeHierarchy hierarchy, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        Communicator host = hierarchy.Host;
        if (host.Size == 1)
            return;
        if (host.SharedArea is not null)
            host.AllreduceWith(data, kernel);
        else
            host.ReduceWith(data, data, kernel, 0);
    }
}
