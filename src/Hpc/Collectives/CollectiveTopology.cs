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
internal readonly record struct CollectiveTopology(int Ranks, int RanksPerHost, int Hosts, bool HasSharedArea)
{
    /// <summary>Ranks that share no collective area (one host, point-to-point algorithms only): what the selector assumes without a communicator.</summary>
    public static CollectiveTopology Unshared(int ranks) => new(ranks, ranks, 1, HasSharedArea: false);

    /// <summary>The topology of members whose world ranks are <paramref name="worldRanks"/>, <paramref name="hostOfWorldRank"/> naming each world rank's host.</summary>
    public static CollectiveTopology Of(ReadOnlySpan<int> worldRanks, IReadOnlyList<string> hostOfWorldRank, bool hasSharedArea)
    {
        var perHost = new Dictionary<string, int>(StringComparer.Ordinal);
        int most = 0;
        foreach (int worldRank in worldRanks)
        {
            string host = hostOfWorldRank[worldRank];
            int count = perHost.GetValueOrDefault(host) + 1;
            perHost[host] = count;
            most = Math.Max(most, count);
        }
        return new CollectiveTopology(worldRanks.Length, most, perHost.Count, hasSharedArea);
    }

    /// <summary>
    /// The topology a non-blocking collective may use: no shared area. The shared area advances
    /// one step at a time, and two collectives running at once on background threads could
    /// interleave their steps differently on different ranks.
    /// </summary>
    public CollectiveTopology ForNonBlocking => this with { HasSharedArea = false };
}
