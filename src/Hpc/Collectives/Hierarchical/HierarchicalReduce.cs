using Hpc.Reduction;

namespace Hpc.Collectives.Hierarchical;

/// <summary>
/// Node-aware reduce to any root (Open MPI coll/han's reduce): reduce within each host to its
/// leader, among the leaders to the root host's leader, and — when the root is not its host's
/// leader — one message from that leader to the root within the host. Only leaders touch the
/// network, each sending its host's partial result once.
/// </summary>
/// <remarks>
/// <para>
/// Vectors larger than one segment (<see cref="NodeHierarchy.SegmentBytes"/>) are pipelined:
/// a leader reduces segment k within its host, then starts segment k's leaders' reduce on a
/// background thread (at most <see cref="NodeHierarchy.Window"/> in flight) and goes on with
/// segment k + 1 within the host.
/// </para>
/// <para>
/// Rank order: host-rank order within a host, host order among the leaders; rank order when
/// every host holds an unbroken rank range, the only case the selector runs this algorithm for
/// a non-commutative operation.
/// </para>
/// </remarks>
internal static unsafe class HierarchicalReduce
{
    /// <param name="hierarchy">The parent's host and leader parts.</param>
    /// <param name="context">The parent's collective context, for the message from the root host's leader to the root.</param>
    /// <param name="tag">The parent call's tag.</param>
    /// <param name="send">This rank's contribution.</param>
    /// <param name="result">The result at <paramref name="root"/> (send.Length elements; may be <paramref name="send"/>'s memory); ignored elsewhere.</param>
    /// <param name="kernel">The reduction.</param>
    /// <param name="root">The parent rank that receives the result.</param>
    public static void Run<T>(NodeHierarchy hierarchy, CollectiveContext context, int tag, ReadOnlySpan<T> send, Span<T> result, ReduceKernel<T> kernel, int root)
        where T : unmanaged
    {
        int rootHost = hierarchy.HostOfRank[root];
        int rootLeader = hierarchy.RanksOfHost[rootHost][0];
        Communicator host = hierarchy.Host;
        Communicator? leaders = hierarchy.Leaders;
        int me = context.Rank;

        int segment = NodeHierarchy.SegmentLength<T>();
        if (leaders is null)
        {
            // Not a leader: contribute within the host, in the leader's segments; the root among
            // them then takes the result from its leader.
            for (int offset = 0; offset < send.Length || offset == 0; offset += segment)
                ReduceWithinHost(host, send.Slice(offset, Math.Min(segment, send.Length - offset)), [], kernel);
            if (me == root)
                context.Receive(rootLeader, tag, result[..send.Length]);
            return;
        }

        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(me == root ? 0 : send.Length);
        Span<T> work = me == root ? result[..send.Length] : scratch.Span[..send.Length];
        if (send.Length <= segment)
        {
            ReduceWithinHost(host, send, work, kernel);
            leaders.ReduceWith(work, work, kernel, rootHost);
        }
        else
        {
            fixed (T* pointer = work)
                Pipelined(hierarchy, send, pointer, segment, kernel, rootHost);
        }
        if (me == rootLeader && root != rootLeader)
            context.Send(root, tag, (ReadOnlySpan<T>)work);
    }

    private static void Pipelined<T>(NodeHierarchy hierarchy, ReadOnlySpan<T> send, T* work, int segment, ReduceKernel<T> kernel, int rootHost)
        where T : unmanaged
    {
        int count = (send.Length + segment - 1) / segment;
        var running = new Queue<Task>();
        try
        {
            for (int k = 0; k < count; k++)
            {
                int offset = k * segment;
                int piece = Math.Min(segment, send.Length - offset);
                ReduceWithinHost(hierarchy.Host, send.Slice(offset, piece), new Span<T>(work + offset, piece), kernel);
                if (running.Count == NodeHierarchy.Window)
                    NodeHierarchy.Await(running.Dequeue());
                running.Enqueue(hierarchy.Leaders!.StartReduceWith(work + offset, piece, kernel, rootHost));
            }
            while (running.TryDequeue(out Task? task))
                NodeHierarchy.Await(task);
        }
        catch
        {
            NodeHierarchy.Drain(running);
            throw;
        }
    }

    /// <summary>
    /// Reduces the host's contributions into <paramref name="work"/> at its leader. Non-leaders
    /// call it with the same segment sequence, so their host calls pair up with the leader's.
    /// </summary>
    private static void ReduceWithinHost<T>(Communicator host, ReadOnlySpan<T> send, Span<T> work, ReduceKernel<T> kernel) where T : unmanaged
    {
        if (host.Size == 1)
            send.CopyTo(work);
        else
            host.ReduceWith(send, work, kernel, 0);
    }
}
