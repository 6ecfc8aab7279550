namespace Hpc.Collectives.Broadcast;

/// <summary>
/// Pipelined chain broadcast (Open MPI tuned's "pipeline", NCCL's ring broadcast): the ranks form
/// a chain in rank order starting at the root, the message is cut into segments
/// (<see cref="SegmentBytesFor"/>), and every rank passes segment k on to the next while segment k + 1
/// arrives. Every rank sends the message once at most, so between hosts each host's link carries
/// it once, where the binomial tree sends it from the root to every child in turn: with three
/// hosts' leaders that is half the time at the link's rate. The chain's fill costs n − 1 segment
/// times, so it is the choice for large messages among few ranks.
/// </summary>
/// <remarks>
/// On a communicator that spans hosts the chain visits the hosts one after another (the root's
/// first, each host's ranks together; <see cref="Order"/>), so the message crosses each host's
/// link once in and once out and every other hop is a shared-memory copy.
/// </remarks>
internal static unsafe class ChainBroadcast
{
    /// <summary>
    /// Largest segment: no larger than TCP's default eager limit, so a segment crosses a host
    /// link without the large-message protocol's handshake, and small enough that the chain
    /// fills quickly (~0.5 ms on a 1 Gbit/s link). Measured 2026-12-07, 3 hosts x 2 ranks,
    /// 1 Gbit/s (bench/multihost.sh --hosts 3 bcast, two runs each, µs): 1 MiB 7,875 /
    /// 8,204-8,572 / 9,199 and 4 MiB 34,431 / 30,702-35,249 / 38,417 with 32 / 64 / 128 KiB.
    /// </summary>
    public const int MaxSegmentBytes = 64 * 1024;

    /// <summary>Smallest segment: below it the per-message cost outweighs a shorter fill.</summary>
    public const int MinSegmentBytes = 16 * 1024;

    /// <summary>
    /// The segment size for a message of <paramref name="totalBytes"/>: about a 32nd of it
    /// within [<see cref="MinSegmentBytes"/>, <see cref="MaxSegmentBytes"/>], so the chain's
    /// fill (one segment per hop) stays a small part of a medium message too. Every rank
    /// computes the same from the same size.
    /// </summary>
    public static int SegmentBytesFor(long totalBytes) => (int)Math.Clamp(totalBytes / 32, MinSegmentBytes, MaxSegmentBytes);

    /// <summary>Sends in flight per rank: the next segment's send starts while the previous one finishes its handshake.</summary>
    private const int SendsInFlight = 2;

    /// <summary>
    /// Broadcasts <paramref name="data"/> from <paramref name="root"/> down the chain;
    /// <paramref name="hostOfRank"/> gives each rank's host index when the communicator spans
    /// hosts (empty: one host, the chain in rank order from the root).
    /// </summary>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, int root, ReadOnlySpan<int> hostOfRank) where T : unmanaged
    {
        int size = context.Size;
        if (size == 1 || data.IsEmpty)
            return;
        int[] chain = Order(root, size, hostOfRank);
        int position = Array.IndexOf(chain, context.Rank);
        bool receives = position != 0;
        bool sends = position != size - 1;
        int previous = receives ? chain[position - 1] : -1;
        int next = sends ? chain[position + 1] : -1;
        long total = (long)data.Length * sizeof(T);
        int segmentBytes = SegmentBytesFor(total);
        int segments = checked((int)((total + segmentBytes - 1) / segmentBytes));

        var sending = new Queue<Request>(SendsInFlight);
        Request? receiving = null;
        bool finished = false;
        fixed (T* pointer = data)
        {
            byte* bytes = (byte*)pointer;
            try
            {
                if (receives)
                    receiving = context.StartReceive(previous, tag, bytes, SegmentLength(0, segmentBytes, total));
                for (int k = 0; k < segments; k++)
                {
                    long offset = (long)k * segmentBytes;
                    long length = SegmentLength(k, segmentBytes, total);
                    if (receiving is not null)
                    {
                        context.WaitReceive(receiving, length, previous);
                        // Post the next segment's receive before forwarding this one, so it never
                        // arrives as an unexpected message that must be copied twice.
                        receiving = k + 1 < segments
                            ? context.StartReceive(previous, tag, bytes + offset + length, SegmentLength(k + 1, segmentBytes, total))
                            : null;
                    }
                    if (!sends)
                        continue;
                    if (sending.Count == SendsInFlight)
                        sending.Dequeue().Wait();
                    sending.Enqueue(context.StartSend(next, tag, bytes + offset, length));
                }
                while (sending.TryDequeue(out Request? send))
                    send.Wait();
                finished = true;
            }
            finally
            {
                if (!finished)
                    context.AbandonReceives([receiving]);
            }
        }
    }

    /// <summary>
    /// The chain: the root, then the other ranks of its host, then every other host's ranks,
    /// host by host in index order after the root's (rank order within a host). Without host
    /// indices, rank order from the root.
    /// </summary>
    public static int[] Order(int root, int size, ReadOnlySpan<int> hostOfRank)
    {
        var chain = new int[size];
        chain[0] = root;
        int filled = 1;
        if (hostOfRank.IsEmpty)
        {
            for (int step = 1; step < size; step++)
                chain[filled++] = (root + step) % size;
            return chain;
        }
        int hosts = 0;
        foreach (int host in hostOfRank)
            hosts = Math.Max(hosts, host + 1);
        for (int step = 0; step < hosts; step++)
        {
            int host = (hostOfRank[root] + step) % hosts;
            for (int rank = 0; rank < size; rank++)
            {
                if (hostOfRank[rank] == host && rank != root)
                    chain[filled++] = rank;
            }
        }
        return chain;
    }

    private static long SegmentLength(int k, int segmentBytes, long total) => Math.Min(segmentBytes, total - (long)k * segmentBytes);
}
