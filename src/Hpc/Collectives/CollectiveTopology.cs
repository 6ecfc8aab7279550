namespace Hpc.Collectives;

/// <summary>
/// What a communicator's members have in common that decides which algorithm families it can
/// use, worked out once when the communicator is created: how many ranks, how they spread over
/// hosts, and whether they share a collective area in memory (the world of a job whose ranks
/// all run on one host). The same on every member, so every member selects alike.
/// </summary>
/// <param name="Ranks">Members of the communicator.</param>
/// <param name="RanksPerHost">The largest number of members on one host (node-aware algorithms split a communicator by host).</param>
/// <param name="Hosts">Distinct hosts the members run on.</param>
/// <param name="HasSharedArea">The members share a <see cref="SharedMemory.SharedCollectiveArea"/>, so the shared-memory algorithms can run.</param>
/// <param name="HostsContiguous">
/// Every host holds one unbroken range of ranks (0 1 | 2 3, not 0 2 | 1 3): a node-aware
/// reduction then combines in rank order, as a non-commutative operation needs.
/// </param>
/// <param name="HierarchyAllowed">
/// The call may run a node-aware (<see cref="Hierarchical.NodeHierarchy">hierarchical</see>)
/// algorithm: false for non-blocking calls and for the host and leader parts those algorithms
/// run on themselves.
/// </param>
internal readonly record struct CollectiveTopology(int Ranks, int RanksPerHost, int Hosts, bool HasSharedArea, bool HostsContiguous = true,
    bool HierarchyAllowed = true)
{
    /// <summary>Ranks that share no collective area (one host, point-to-point algorithms only): what the selector assumes without a communicator.</summary>
    public static CollectiveTopology Unshared(int ranks) => new(ranks, ranks, 1, HasSharedArea: false);

    /// <summary>The topology of members whose world ranks are <paramref name="worldRanks"/>, <paramref name="hostOfWorldRank"/> naming each world rank's host.</summary>
    public static CollectiveTopology Of(ReadOnlySpan<int> worldRanks, IReadOnlyList<string> hostOfWorldRank, bool hasSharedArea, bool hierarchyAllowed = true)
    {
        int[] hostOf = HostIndices(worldRanks, hostOfWorldRank);
        // Hosts are numbered in order of first appearance, so a count per index fits hostOf's length.
        var perHost = new int[hostOf.Length];
        int hosts = 0, most = 0;
        bool contiguous = true;
        for (int member = 0; member < hostOf.Length; member++)
        {
            int host = hostOf[member];
            hosts = Math.Max(hosts, host + 1);
            // A host seen before, but not just before: its ranks are split by another host's.
            if (perHost[host] > 0 && hostOf[member - 1] != host)
                contiguous = false;
            most = Math.Max(most, ++perHost[host]);
        }
        return new CollectiveTopology(worldRanks.Length, most, hosts, hasSharedArea, contiguous, hierarchyAllowed);
    }

    /// <summary>
    /// Each member's host as an index, hosts numbered in the order their first member appears
    /// (member 0's host is 0); <paramref name="hostOfWorldRank"/> names each world rank's host.
    /// </summary>
    public static int[] HostIndices(ReadOnlySpan<int> worldRanks, IReadOnlyList<string> hostOfWorldRank)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var hostOfMember = new int[worldRanks.Length];
        for (int member = 0; member < worldRanks.Length; member++)
        {
            string host = hostOfWorldRank[worldRanks[member]];
            if (!index.TryGetValue(host, out int h))
            {
                h = index.Count;
                index[host] = h;
            }
            hostOfMember[member] = h;
        }
        return hostOfMember;
    }

    /// <summary>
    /// The members span several hosts and some host holds several of them: a node-aware
    /// algorithm can then keep all but one rank per host off the network.
    /// </summary>
    public bool SpansHostsWithSharing => Hosts > 1 && RanksPerHost > 1;

    /// <summary>
    /// Whether a node-aware algorithm may run a call with this topology (<paramref name="commutative"/>:
    /// of the call's operation): allowed here, more than one host, and for a non-commutative
    /// reduction hosts that hold unbroken rank ranges.
    /// </summary>
    public bool CanRunHierarchical(bool commutative) => HierarchyAllowed && Hosts > 1 && (commutative || HostsContiguous);

    /// <summary>
    /// The topology a non-blocking collective may use: no shared area and no node-aware
    /// algorithm. The shared area advances one step at a time, and two collectives running at
    /// once on background threads could interleave their steps differently on different ranks;
    /// a node-aware algorithm runs collectives on its host and leader parts, whose call order
    /// would then differ between ranks in the same way.
    /// </summary>
    public CollectiveTopology ForNonBlocking => this with { HasSharedArea = false, HierarchyAllowed = false };
}
