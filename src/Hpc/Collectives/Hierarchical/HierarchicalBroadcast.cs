namespace Hpc.Collectives.Hierarchical;

/// <summary>
/// Node-aware broadcast from any root (Open MPI coll/han's bcast): within the root's host from
/// the root, among the leaders from the root host's leader, then within every other host from
/// its leader. Each host's link carries the message once, and a root that is not its host's
/// leader costs no extra step: its host part's broadcast reaches the leader with everyone else.
/// </summary>
/// <remarks>
/// Messages larger than one segment (<see cref="NodeHierarchy.SegmentBytes"/>) are pipelined:
/// on the root's host the leader starts each segment's leaders' broadcast on a background thread
/// as soon as the segment has arrived within the host; elsewhere a leader keeps up to
/// <see cref="NodeHierarchy.Window"/> segments' leaders' broadcasts posted and passes each
/// segment on within its host as soon as it has arrived, so segment k crosses the network while
/// segment k − 1 spreads within the hosts.
/// </remarks>
internal static unsafe class HierarchicalBroadcast
{
    public static void Run<T>(NodeHierarchy hierarchy, Span<T> data, int root) where T : unmanaged
    {
        int rootHost = hierarchy.HostOfRank[root];
        int rootLocal = hierarchy.LocalRankOf[root];
        bool onRootHost = hierarchy.MyHost == rootHost;
        Communicator host = hierarchy.Host;
        Communicator? leaders = hierarchy.Leaders;
        int segment = NodeHierarchy.SegmentLength<T>();
        if (data.Length <= segment)
        {
            if (onRootHost)
                host.Broadcast(data, rootLocal);
            leaders?.Broadcast(data, rootHost);
            if (!onRootHost)
                host.Broadcast(data, 0);
            return;
        }

        int count = (data.Length + segment - 1) / segment;
        var running = new Queue<Task>();
        fixed (T* pointer = data)
        {
            try
            {
                if (onRootHost)
                {
                    for (int k = 0; k < count; k++)
                    {
                        (int offset, int piece) = Piece(k, segment, data.Length);
                        host.Broadcast(new Span<T>(pointer + offset, piece), rootLocal);
                        if (leaders is null)
                            continue;
                        if (running.Count == NodeHierarchy.Window)
                            NodeHierarchy.Await(running.Dequeue());
                        running.Enqueue(leaders.StartBroadcast(pointer + offset, piece, rootHost));
                    }
                    while (running.TryDequeue(out Task? task))
                        NodeHierarchy.Await(task);
                    return;
                }
                int posted = 0;
                for (int k = 0; k < count; k++)
                {
                    (int offset, int piece) = Piece(k, segment, data.Length);
                    if (leaders is not null)
                    {
                        for (; posted < count && posted < k + NodeHierarchy.Window; posted++)
                        {
                            (int ahead, int aheadPiece) = Piece(posted, segment, data.Length);
                            running.Enqueue(leaders.StartBroadcast(pointer + ahead, aheadPiece, rootHost));
                        }
                        NodeHierarchy.Await(running.Dequeue());
                    }
                    host.Broadcast(new Span<T>(pointer + offset, piece), 0);
                }
            }
            catch
            {
                NodeHierarchy.Drain(running);
                throw;
            }
        }
    }

    private static (int Offset, int Length) Piece(int k, int segment, int length) => (k * segment, Math.Min(segment, length - k * segment));
}
