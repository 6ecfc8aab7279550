using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

/// <summary><c>-N</c> / <c>--map-by ppr:N:node</c> and <c>--rank-by</c> over a host list.</summary>
public class PerHostPlacementTests
{
    private static string Layout(Placement placement) =>
        string.Concat(Enumerable.Range(0, placement.Ranks).Select(placement.HostOf));

    [Fact]
    public void NPerHostIgnoresTheSlotsAndFillsHostsInOrder()
    {
        Placement placement = Placement.Compute([new("a", 4), new("b", 1), new("c", 8)], 6, MapBy.Slot, false,
            new PerHostLimit(2, "-N 2"));
        Assert.Equal("aabbcc", Layout(placement));
        Assert.Equal([4, 1, 8], placement.Hosts.Select(h => h.Slots)); // the hosts as given, for messages and the map
        Assert.Equal([0, 1, 0, 1, 0, 1], Enumerable.Range(0, 6).Select(placement.LocalRankOf));
    }

    [Fact]
    public void MoreRanksThanTheSharesAreRefused()
    {
        var error = Assert.Throws<UsageException>(() =>
            Placement.Compute([new("a", 4), new("b", 4)], 5, MapBy.Slot, true, new PerHostLimit(2, "--map-by ppr:2:node")));
        Assert.Equal("5 ranks requested but --map-by ppr:2:node places at most 4 on 2 hosts", error.Message);
    }

    [Fact]
    public void RankByNodeNumbersTheMappedRanksAcrossHosts()
    {
        Placement placement = Placement.Compute([new("a", 3), new("b", 3)], 5, MapBy.Slot, false, rankBy: RankBy.Node);
        Assert.Equal("ababa", Layout(placement));
        Assert.Equal([0, 0, 1, 1, 2], Enumerable.Range(0, 5).Select(placement.LocalRankOf));
    }

    [Fact]
    public void RankBySlotKeepsAHostsRanksTogetherUnderMapByNode()
    {
        Placement placement = Placement.Compute([new("a", 2), new("b", 2)], 3, MapBy.Node, false, rankBy: RankBy.Slot);
        Assert.Equal("aab", Layout(placement));
    }

    [Fact]
    public void RankByAsTheMappingChangesNothing()
    {
        HostSlots[] hosts = [new("a", 1), new("b", 3), new("c", 2)];
        Assert.Equal(Layout(Placement.Compute(hosts, 6, MapBy.Node, false)), Layout(Placement.Compute(hosts, 6, MapBy.Node, false, rankBy: RankBy.Node)));
    }
}
