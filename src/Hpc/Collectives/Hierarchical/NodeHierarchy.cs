namespace Hpc.Collectives.Hierarchical;

/// <summary>
/// The two-level layout the node-aware (hierarchical) algorithms run on, as Open MPI's coll/han
/// and MPICH's node-aware collectives split a communicator: <see cref="Host"/>, the members on
/// this rank's host (MPI_Comm_split_type SHARED), and <see cref="Leaders"/>, one member per host
/// — the lowest rank there — for the traffic between hosts. Hosts are numbered in the order of
/// their leaders, so host h is rank h of the leaders' communicator.
/// </summary>
/// <remarks>
/// <para>
/// Built without talking: every rank knows every world rank's host, so each member works out
/// the same parts alone, and their context ids are the ones reserved with the parent
/// (<see cref="RankRuntime.ContextsPerCommunicator"/>: parent + 2 for the host part, + 4 for the
/// leaders; disjoint host parts share theirs, as Split's parts do). Creation is therefore local,
/// lazy — on the first node-aware call — and cannot go out of step between ranks.
/// </para>
/// <para>
/// The parts are blocking collectives' own communicators: their calls are made in the parent's
/// call order on every rank, which is why non-blocking calls never run node-aware (see
/// <see cref="CollectiveTopology.ForNonBlocking"/>). They never run node-aware themselves. The
/// world's host part runs its collectives on the host's shared area when the job has one
/// (<see cref="RankRuntime.HostSharedArea"/>); every other host part uses the point-to-point
/// algorithms the table picks for it.
/// </para>
/// </remarks>
internal sealed class NodeHierarchy
{
    /// <summary>
    /// Segment of the pipelined algorithms: phases of neighbouring segments overlap (the host
    /// phase of one with the network phase of the one before). 512 KiB, as the ring's segment
    /// (<see cref="SegmentPipeline.SegmentBytes"/>): large enough that the thread hop of a
    /// background leaders' phase (tens of µs) is small beside a segment's transfer over a
    /// 1-10 Gbit/s link (0.4-4 ms), small enough that a 4 MiB vector has eight of them.
    /// </summary>
    public const int SegmentBytes = 512 * 1024;

    /// <summary>Leaders' phases of a pipelined algorithm in flight at once on a leader.</summary>
    public const int Window = 3;

    public NodeHierarchy(Communicator parent)
    {
        int size = parent.Size;
        HostOfRank = parent.HostIndexOfRank;
        LocalRankOf = new int[size];
        var members = new List<List<int>>();
        for (int r = 0; r < size; r++)
        {
            int h = HostOfRank[r];
            if (h == members.Count)
                members.Add([]);
            LocalRankOf[r] = members[h].Count;
            members[h].Add(r);
        }
        RanksOfHost = [.. members.Select(m => m.ToArray())];
        MyHost = HostOfRank[parent.Rank];
        HostsContiguous = parent.Topology.HostsContiguous;

        int[] mine = RanksOfHost[MyHost];
        // Only the world's host part owns this host's shared area: the area's steps belong to one communicator.
        bool ownsArea = parent.Context == RankRuntime.WorldContext && size == parent.Runtime.WorldSize;
        Host = new Communicator(parent.Runtime, parent.Context + 2, [.. mine.Select(parent.WorldRankOf)], LocalRankOf[parent.Rank],
            $"host part of {parent.Name}", hierarchyPart: true, hostArea: ownsArea ? parent.Runtime.HostSharedArea : null);
        if (IsLeader)
        {
            Leaders = new Communicator(parent.Runtime, parent.Context + 4, [.. RanksOfHost.Select(m => parent.WorldRankOf(m[0]))], MyHost,
                $"host leaders of {parent.Name}", hierarchyPart: true);
        }
    }

    /// <summary>The members on this rank's host, in the parent's rank order.</summary>
    public Communicator Host { get; }

    /// <summary>The leaders' communicator (rank h: the leader of host h) on a leader; null elsewhere.</summary>
    public Communicator? Leaders { get; }

    /// <summary>This rank leads its host (it is rank 0 of <see cref="Host"/>).</summary>
    public bool IsLeader => Host.Rank == 0;

    /// <summary>This rank's host number.</summary>
    public int MyHost { get; }

    /// <summary>Number of hosts.</summary>
    public int HostCount => RanksOfHost.Length;

    /// <summary>Host number of each parent rank.</summary>
    public int[] HostOfRank { get; }

    /// <summary>Rank in its host part of each parent rank.</summary>
    public int[] LocalRankOf { get; }

    /// <summary>Parent ranks of each host, ascending; element 0 is the host's leader.</summary>
    public int[][] RanksOfHost { get; }

    /// <summary>Every host holds an unbroken range of parent ranks, so host order is rank order.</summary>
    public bool HostsContiguous { get; }

    /// <summary>Segment length in elements of <typeparamref name="T"/>.</summary>
    public static unsafe int SegmentLength<T>() where T : unmanaged => Math.Max(1, SegmentBytes / sizeof(T));

    /// <summary>
    /// Waits for every leaders' phase still running, failed or not, so no background phase is
    /// left writing into memory the caller is about to release; used on the way out of a failure.
    /// </summary>
    public static void Drain(Queue<Task> running)
    {
        while (running.TryDequeue(out Task? task))
        {
            try
            {
                task.Wait();
            }
            catch (AggregateException)
            {
                // The first failure is already on its way up.
            }
        }
    }

    /// <summary>Waits for <paramref name="task"/>, rethrowing its own exception rather than an AggregateException.</summary>
    public static void Await(Task task) => task.GetAwaiter().GetResult();
}
