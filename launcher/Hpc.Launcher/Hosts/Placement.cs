using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// Which host every rank runs on, and each rank's local rank and local size there. Computed once
/// from the host list before anything starts, so a job that cannot fit fails as a usage error.
/// </summary>
/// <remarks>
/// Follows Open MPI's round-robin mapper. <see cref="MapBy.Slot"/> fills each host's slots in
/// order; <see cref="MapBy.Node"/> deals ranks one per host in turn, skipping full hosts. Ranks
/// beyond the slots need <c>--oversubscribe</c> and are then dealt one per host in turn over the
/// hosts still under their max_slots, which stays a hard bound.
/// </remarks>
internal sealed class Placement
{
    private readonly int[] _hostOfRank;
    private readonly int[] _localRank;
    private readonly int[] _perHost;

    private Placement(IReadOnlyList<HostSlots> hosts, int[] hostOfRank, MapBy mapBy)
    {
        Hosts = hosts;
        MapBy = mapBy;
        _hostOfRank = hostOfRank;
        _perHost = new int[hosts.Count];
        _localRank = new int[hostOfRank.Length];
        for (int rank = 0; rank < hostOfRank.Length; rank++)
            _localRank[rank] = _perHost[hostOfRank[rank]]++;
    }

    /// <summary>The hosts, in the order given.</summary>
    public IReadOnlyList<HostSlots> Hosts { get; }

    /// <summary>The mapping policy the ranks were placed by; spawned processes follow it too (<see cref="PlaceSpawn"/>).</summary>
    public MapBy MapBy { get; }

    /// <summary>Number of ranks placed.</summary>
    public int Ranks => _hostOfRank.Length;

    /// <summary>Index into <see cref="Hosts"/> of the host running <paramref name="rank"/>.</summary>
    public int HostIndexOf(int rank) => _hostOfRank[rank];

    /// <summary>Name of the host running <paramref name="rank"/>.</summary>
    public string HostOf(int rank) => Hosts[_hostOfRank[rank]].Name;

    /// <summary>Position of <paramref name="rank"/> among the ranks on its host, counted in rank order.</summary>
    public int LocalRankOf(int rank) => _localRank[rank];

    /// <summary>Number of ranks on the host of <paramref name="rank"/>.</summary>
    public int LocalSizeOf(int rank) => _perHost[_hostOfRank[rank]];

    /// <summary>The ranks placed on host <paramref name="hostIndex"/>, ascending.</summary>
    public IReadOnlyList<int> RanksOn(int hostIndex) =>
        [.. Enumerable.Range(0, Ranks).Where(rank => _hostOfRank[rank] == hostIndex)];

    /// <summary>
    /// Places <paramref name="ranks"/> ranks over <paramref name="hosts"/>. With
    /// <paramref name="perHost"/> (<c>-N</c>, <c>--map-by ppr:N:...</c>) every host takes exactly
    /// that many in turn, whatever its slots; <paramref name="rankBy"/>, when given, renumbers the
    /// mapped ranks (otherwise numbering follows the mapping, as in Open MPI).
    /// </summary>
    /// <exception cref="UsageException">The ranks do not fit; the message says by how much and what to do.</exception>
    public static Placement Compute(IReadOnlyList<HostSlots> hosts, int ranks, MapBy mapBy, bool oversubscribe,
        PerHostLimit? perHost = null, RankBy? rankBy = null)
    {
        if (hosts.Count == 0)
            throw new ArgumentException("at least one host is needed", nameof(hosts));
        if (perHost is not null)
        {
            perHost.Check(ranks, hosts.Count);
            // Each host holds exactly its share: a hostfile's slots do not apply, max_slots still does.
            IReadOnlyList<HostSlots> shares = [.. hosts.Select(h => h with { Slots = perHost.PerHost, MaxSlots = Math.Min(perHost.PerHost, h.MaxSlots ?? int.MaxValue) })];
            Placement capped = Compute(shares, ranks, MapBy.Slot, oversubscribe: false, perHost: null, rankBy);
            return new Placement(hosts, capped._hostOfRank, mapBy);
        }
        long slots = hosts.Sum(h => (long)h.Slots);
        if (ranks > slots && !oversubscribe)
            throw new UsageException($"{Count(ranks)} requested but the hosts provide only {Count(slots, "slot")} (use --oversubscribe)");
        if (hosts.All(h => h.MaxSlots is not null))
        {
            long bound = hosts.Sum(h => (long)h.MaxSlots!.Value);
            if (ranks > bound)
                throw new UsageException($"{Count(ranks)} requested but the hosts' max_slots allow at most {bound.ToString(CultureInfo.InvariantCulture)}");
        }

        int[] counts = new int[hosts.Count];
        var order = new List<int>(ranks);
        int placed = 0;
        if (mapBy == MapBy.Slot)
        {
            for (int h = 0; h < hosts.Count && placed < ranks; h++)
            {
                counts[h] = Math.Min(hosts[h].Slots, ranks - placed);
                placed += counts[h];
            }
        }
        else
        {
            placed = DealRoundRobin(counts, ranks, h => hosts[h].Slots, order);
        }

        // Oversubscription: one more rank per host in turn, over the hosts under max_slots.
        placed += DealRoundRobin(counts, ranks - placed, h => hosts[h].MaxSlots ?? int.MaxValue, order);

        int[] hostOfRank = new int[ranks];
        if (rankBy is not null && rankBy != (mapBy == MapBy.Slot ? RankBy.Slot : RankBy.Node))
        {
            // Numbering other than the mapping's: the hosts keep their counts, ranks are dealt anew.
            if (rankBy == RankBy.Slot)
                order = [.. Enumerable.Range(0, hosts.Count).SelectMany(h => Enumerable.Repeat(h, counts[h]))];
            else
                order = DealCounts(counts);
            for (int rank = 0; rank < ranks; rank++)
                hostOfRank[rank] = order[rank];
            return new Placement(hosts, hostOfRank, mapBy);
        }
        if (mapBy == MapBy.Slot)
        {
            // Consecutive ranks share a host: a host's ranks form one block, hosts in order.
            int rank = 0;
            for (int h = 0; h < hosts.Count; h++)
            {
                for (int k = 0; k < counts[h]; k++)
                    hostOfRank[rank++] = h;
            }
        }
        else
        {
            for (int rank = 0; rank < ranks; rank++)
                hostOfRank[rank] = order[rank];
        }
        return new Placement(hosts, hostOfRank, mapBy);
    }

    /// <summary>
    /// Places the <paramref name="processes"/> processes of one <c>Communicator.Spawn</c> over this
    /// placement's hosts, given how many processes each host runs already
    /// (<paramref name="inUse"/>, by host index: the job's ranks and the live children of earlier
    /// spawns), over the hosts <paramref name="only"/> lists (indexes into <see cref="Hosts"/>;
    /// null for all: MPI's <c>host</c> info key). The result numbers the spawned world's ranks and
    /// counts their local ranks among themselves.
    /// </summary>
    /// <remarks>
    /// The rule is this placement's own, applied to what is left, as Open MPI maps a spawned job
    /// onto the allocation its parent job already occupies: the free slots (a host's slots minus
    /// its processes in use) are filled by <see cref="MapBy"/> (by slot: host by host in order; by
    /// node: one per host in turn); when no slot is free the rest are dealt one per host in turn
    /// from the first host, as <c>--oversubscribe</c> deals ranks, over the hosts still below their
    /// max_slots. Unlike Open MPI, running out of slots needs no <c>--oversubscribe</c>: a spawn's
    /// size is the program's decision, not the command line's. The slots a <c>-N</c> share gave the
    /// job do not apply; the hosts' own do.
    /// </remarks>
    /// <exception cref="UsageException">Every host is at its max_slots; the message says how many processes fit.</exception>
    public Placement PlaceSpawn(int processes, IReadOnlyList<int> inUse, IReadOnlyList<int>? only = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processes, 1);
        if (inUse.Count != Hosts.Count)
            throw new ArgumentException($"{inUse.Count} counts for {Hosts.Count} hosts", nameof(inUse));
        int[] candidates = only is { Count: > 0 } ? [.. only.Order()] : [.. Enumerable.Range(0, Hosts.Count)];
        // What is left of every candidate host: its free slots, and its room below max_slots.
        HostSlots[] left = [.. candidates.Select(i => Hosts[i] with
        {
            Slots = Math.Max(0, Hosts[i].Slots - inUse[i]),
            MaxSlots = Hosts[i].MaxSlots is int max ? Math.Max(0, max - inUse[i]) : null,
        })];
        if (left.All(h => h.MaxSlots is not null))
        {
            long room = left.Sum(h => (long)h.MaxSlots!.Value);
            if (processes > room)
                throw new UsageException($"cannot spawn {Count(processes, "process")}: the hosts' max_slots leave room for {Count(room, "more process")}");
        }
        Placement spawned = Compute(left, processes, MapBy, oversubscribe: true);
        return new Placement(Hosts, [.. spawned._hostOfRank.Select(i => candidates[i])], MapBy);
    }

    /// <summary>
    /// Gives up to <paramref name="ranks"/> ranks one per host in turn to hosts whose count is below
    /// <paramref name="limit"/>, appending each choice to <paramref name="order"/>; returns how many were placed.
    /// </summary>
    private static int DealRoundRobin(int[] counts, int ranks, Func<int, int> limit, List<int> order)
    {
        int placed = 0;
        while (placed < ranks)
        {
            bool any = false;
            for (int h = 0; h < counts.Length && placed < ranks; h++)
            {
                if (counts[h] >= limit(h))
                    continue;
                counts[h]++;
                order.Add(h);
                placed++;
                any = true;
            }
            if (!any)
                break;
        }
        return placed;
    }

    /// <summary>Host indexes one per host in turn until every host has had its count.</summary>
    private static List<int> DealCounts(int[] counts)
    {
        int[] left = (int[])counts.Clone();
        var order = new List<int>(counts.Sum());
        while (order.Count < order.Capacity)
        {
            for (int h = 0; h < left.Length; h++)
            {
                if (left[h] > 0)
                {
                    left[h]--;
                    order.Add(h);
                }
            }
        }
        return order;
    }

    private static string Count(long n, string noun = "rank") =>
        n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : noun.EndsWith('s') ? "es" : "s");
}
