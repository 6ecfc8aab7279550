using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

public class PlacementTests
{
    private static readonly HostSlots[] TwoByTwo = [new("a", 2), new("b", 2)];

    private static string Layout(Placement placement) =>
        string.Concat(Enumerable.Range(0, placement.Ranks).Select(placement.HostOf));

    [Fact]
    public void BySlotFillsEachHostBeforeTheNext()
    {
        Placement placement = Placement.Compute([new("a", 2), new("b", 3), new("c", 1)], 5, MapBy.Slot, oversubscribe: false);
        Assert.Equal("aabbb", Layout(placement));
        Assert.Equal([0, 1, 0, 1, 2], Enumerable.Range(0, 5).Select(placement.LocalRankOf));
        Assert.Equal([2, 2, 3, 3, 3], Enumerable.Range(0, 5).Select(placement.LocalSizeOf));
        Assert.Equal([2, 3, 4], placement.RanksOn(1));
        Assert.Empty(placement.RanksOn(2));
    }

    [Fact]
    public void ByNodeDealsRanksRoundRobinSkippingFullHosts()
    {
        Placement placement = Placement.Compute([new("a", 1), new("b", 3), new("c", 2)], 6, MapBy.Node, oversubscribe: false);
        Assert.Equal("abcbcb", Layout(placement));
        Assert.Equal([0, 0, 0, 1, 1, 2], Enumerable.Range(0, 6).Select(placement.LocalRankOf));
        Assert.Equal([1, 3, 2, 3, 2, 3], Enumerable.Range(0, 6).Select(placement.LocalSizeOf));
    }

    [Fact]
    public void FewerRanksThanSlotsUseTheFirstHostsOnly()
    {
        Assert.Equal("aa", Layout(Placement.Compute(TwoByTwo, 2, MapBy.Slot, false)));
        Assert.Equal("ab", Layout(Placement.Compute(TwoByTwo, 2, MapBy.Node, false)));
    }

    [Fact]
    public void MoreRanksThanSlotsNeedOversubscribe()
    {
        HostSlots[] hosts = [new("a", 4), new("b", 4)];
        var error = Assert.Throws<UsageException>(() => Placement.Compute(hosts, 10, MapBy.Slot, oversubscribe: false));
        Assert.Equal("10 ranks requested but the hosts provide only 8 slots (use --oversubscribe)", error.Message);
        error = Assert.Throws<UsageException>(() => Placement.Compute([new("a", 1)], 2, MapBy.Node, oversubscribe: false));
        Assert.Equal("2 ranks requested but the hosts provide only 1 slot (use --oversubscribe)", error.Message);
    }

    [Fact]
    public void OversubscribedRanksAreSpreadOverTheHostsInTurn()
    {
        Assert.Equal("aaaaabbbb", Layout(Placement.Compute(TwoByTwo, 9, MapBy.Slot, oversubscribe: true)));
        Assert.Equal("ababababa", Layout(Placement.Compute(TwoByTwo, 9, MapBy.Node, oversubscribe: true)));
    }

    [Fact]
    public void MaxSlotsIsAHardBoundEvenWithOversubscribe()
    {
        HostSlots[] hosts = [new("a", 2, MaxSlots: 3), new("b", 2)];
        // b has no bound, so it takes what a cannot.
        Assert.Equal("aaabbbbb", Layout(Placement.Compute(hosts, 8, MapBy.Slot, oversubscribe: true)));

        HostSlots[] bounded = [new("a", 2, MaxSlots: 3), new("b", 2, MaxSlots: 2)];
        Assert.Equal("aaabb", Layout(Placement.Compute(bounded, 5, MapBy.Slot, oversubscribe: true)));
        var error = Assert.Throws<UsageException>(() => Placement.Compute(bounded, 6, MapBy.Slot, oversubscribe: true));
        Assert.Equal("6 ranks requested but the hosts' max_slots allow at most 5", error.Message);
    }

    [Fact]
    public void EveryRankIsPlacedExactlyOnceWithConsistentLocalRanks()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            HostSlots[] hosts = [.. Enumerable.Range(0, random.Next(1, 6)).Select(i => new HostSlots("h" + i, random.Next(1, 5)))];
            int ranks = random.Next(1, 30);
            MapBy mapBy = random.Next(2) == 0 ? MapBy.Slot : MapBy.Node;
            Placement placement = Placement.Compute(hosts, ranks, mapBy, oversubscribe: true);
            Assert.Equal(ranks, placement.Ranks);
            for (int h = 0; h < hosts.Length; h++)
            {
                IReadOnlyList<int> on = placement.RanksOn(h);
                for (int i = 0; i < on.Count; i++)
                {
                    Assert.Equal(i, placement.LocalRankOf(on[i]));
                    Assert.Equal(on.Count, placement.LocalSizeOf(on[i]));
                }
                if (ranks <= hosts.Sum(x => x.Slots))
                    Assert.True(on.Count <= hosts[h].Slots, $"host {h} got {on.Count} ranks for {hosts[h].Slots} slots");
            }
        }
    }

    // Communicator.Spawn: children take the slots left free, by the job's own --map-by, then wrap.

    private static Placement JobOf(IReadOnlyList<HostSlots> hosts, int ranks, MapBy mapBy = MapBy.Slot) =>
        Placement.Compute(hosts, ranks, mapBy, oversubscribe: true);

    private static int[] InUse(Placement job, params int[] children) =>
        [.. Enumerable.Range(0, job.Hosts.Count).Select(h => job.RanksOn(h).Count + (h < children.Length ? children[h] : 0))];

    [Fact]
    public void SpawnedChildrenFillTheSlotsTheJobLeavesFreeInHostOrder()
    {
        HostSlots[] hosts = [new("a", 2), new("b", 2), new("c", 2)];
        Placement job = JobOf(hosts, 3);
        Assert.Equal("aab", Layout(job));
        // b has one slot left, c two.
        Assert.Equal("bcc", Layout(job.PlaceSpawn(3, InUse(job))));
        // Children number their own world: local ranks count only them.
        Placement children = job.PlaceSpawn(3, InUse(job));
        Assert.Equal([0, 0, 1], Enumerable.Range(0, 3).Select(children.LocalRankOf));
    }

    [Fact]
    public void SpawnedChildrenFollowTheJobsMapByNode()
    {
        HostSlots[] hosts = [new("a", 2), new("b", 2), new("c", 2)];
        Placement job = JobOf(hosts, 3, MapBy.Node);
        Assert.Equal("abc", Layout(job));
        Assert.Equal(MapBy.Node, job.MapBy);
        Assert.Equal("abc", Layout(job.PlaceSpawn(3, InUse(job))));
    }

    [Fact]
    public void SpawnedChildrenWrapRoundRobinFromTheFirstHostWhenNoSlotIsFree()
    {
        HostSlots[] hosts = [new("a", 1), new("b", 1)];
        Placement job = JobOf(hosts, 2);
        Assert.Equal("aabb", Layout(job.PlaceSpawn(4, InUse(job))));
        Assert.Equal("abab", Layout(JobOf(hosts, 2, MapBy.Node).PlaceSpawn(4, InUse(job))));
        // The free slots first (b's two), then one per host in turn from a. By node the ranks are
        // numbered in that order; by slot each host's children are one block, hosts in order.
        HostSlots[] uneven = [new("a", 1), new("b", 3)];
        Placement byNode = JobOf(uneven, 2, MapBy.Node);
        Assert.Equal("ab", Layout(byNode));
        Assert.Equal("bba", Layout(byNode.PlaceSpawn(3, InUse(byNode))));
        Assert.Equal("bbab", Layout(byNode.PlaceSpawn(4, InUse(byNode))));
        Placement bySlot = JobOf(uneven, 2);
        Assert.Equal("ab", Layout(bySlot));
        Assert.Equal("abb", Layout(bySlot.PlaceSpawn(3, InUse(bySlot))));
    }

    [Fact]
    public void LiveChildrenOfEarlierSpawnsCountAsInUse()
    {
        HostSlots[] hosts = [new("a", 2), new("b", 2)];
        Placement job = JobOf(hosts, 1);
        // An earlier spawn's child holds a's second slot: the next one goes to b.
        Assert.Equal("bb", Layout(job.PlaceSpawn(2, InUse(job, 1))));
        Assert.Equal("abb", Layout(job.PlaceSpawn(3, InUse(job))));
    }

    [Fact]
    public void SpawnedChildrenNeverExceedMaxSlots()
    {
        HostSlots[] hosts = [new("a", 1, MaxSlots: 1), new("b", 1, MaxSlots: 3)];
        Placement job = JobOf(hosts, 2);
        Assert.Equal("bb", Layout(job.PlaceSpawn(2, InUse(job))));
        var error = Assert.Throws<UsageException>(() => job.PlaceSpawn(3, InUse(job)));
        Assert.Equal("cannot spawn 3 processes: the hosts' max_slots leave room for 2 more processes", error.Message);
        error = Assert.Throws<UsageException>(() => job.PlaceSpawn(2, InUse(job, 0, 1)));
        Assert.Equal("cannot spawn 2 processes: the hosts' max_slots leave room for 1 more process", error.Message);
    }

    [Fact]
    public void SpawnedChildrenUseTheHostsSlotsNotAPerHostShare()
    {
        // -N 1 puts one rank on each host; the hosts' own 3 slots are what children see.
        HostSlots[] hosts = [new("a", 3), new("b", 3)];
        Placement job = Placement.Compute(hosts, 2, MapBy.Slot, oversubscribe: false, new PerHostLimit(1, "-N 1"));
        Assert.Equal("ab", Layout(job));
        Assert.Equal("aabb", Layout(job.PlaceSpawn(4, InUse(job))));
    }

    [Fact]
    public void TheHostKeyRestrictsSpawnedChildrenToTheNamedHostsInHostOrder()
    {
        HostSlots[] hosts = [new("a", 2), new("b", 2), new("c", 1)];
        Placement job = JobOf(hosts, 2);
        Assert.Equal("aa", Layout(job));
        // b and c, named in any order: their free slots in host order, then round-robin over them only.
        Assert.Equal("bbc", Layout(job.PlaceSpawn(3, InUse(job), only: [2, 1])));
        Assert.Equal("bbbcc", Layout(job.PlaceSpawn(5, InUse(job), only: [2, 1])));
        // A full host alone still takes them, one round-robin turn after another.
        Assert.Equal("aa", Layout(job.PlaceSpawn(2, InUse(job), only: [0])));
        Placement children = job.PlaceSpawn(5, InUse(job), only: [2, 1]);
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(children.LocalRankOf));
    }
}
