namespace MpiNetTests;

public class GroupTests
{
    // World ranks 0..5; the calling process is world rank 2.
    private static readonly Group World = new([0, 1, 2, 3, 4, 5], 2);

    [Fact]
    public void IncludeAndExcludeKeepTheRequestedOrder()
    {
        Group picked = World.IncludeOnly([4, 2, 0]);
        Assert.Equal(3, picked.Size);
        Assert.Equal(1, picked.Rank);
        Assert.Equal([4, 2, 0], picked.TranslateRanks([0, 1, 2], World));
        Group rest = World.Exclude([0, 5]);
        Assert.Equal([1, 2, 3, 4], rest.TranslateRanks([0, 1, 2, 3], World));
        Assert.Equal(Group.NoProcess, World.Exclude([2]).Rank);
    }

    [Fact]
    public void SetOperationsFollowMpi()
    {
        Group a = World.IncludeOnly([3, 1]);
        Group b = World.IncludeOnly([1, 5, 0]);
        Assert.Equal([3, 1, 5, 0], (a | b).TranslateRanks([0, 1, 2, 3], World));
        Assert.Equal([1], (a & b).TranslateRanks([0], World));
        Assert.Equal([3], (a - b).TranslateRanks([0], World));
        Assert.Same(Group.empty, a - a);
        Assert.Equal(Comparison.Identical, Group.Union(a, b).Compare(a | b));
        Assert.Equal(Comparison.Similar, (b | a).Compare(a | b));
        Assert.Equal(Comparison.Unequal, a.Compare(b));
        Assert.Equal([0, Group.NoProcess], World.TranslateRanks([1, 2], b));
    }

    [Fact]
    public void BadRanksAreRejected()
    {
        Assert.Throws<ArgumentException>(() => World.IncludeOnly([6]));
        Assert.Throws<ArgumentException>(() => World.IncludeOnly([1, 1]));
        Assert.Throws<ArgumentException>(() => World.Exclude([-1]));
        Assert.Throws<ArgumentException>(() => World.TranslateRanks([9], World));
    }
}
