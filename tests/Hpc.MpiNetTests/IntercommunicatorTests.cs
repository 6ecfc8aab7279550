namespace MpiNetTests;

/// <summary>
/// MPI.NET's Intercommunicator with ranks as threads, on groups of unequal size (the low ranks
/// against the high ones), so every count that must come from the right group is checked.
/// MPI.NET's own IntercommunicatorTest runs through the launcher in Hpc.IntegrationTests.
/// </summary>
public class IntercommunicatorTests
{
    // World ranks 0 … lowCount−1 form group A, the rest group B; the leaders are world ranks 0 and lowCount.
    private static Intercommunicator Connect(Intracommunicator world, int lowCount, out bool inA)
    {
        inA = world.Rank < lowCount;
        var half = world.Split(inA ? 0 : 1, world.Rank);
        return new Intercommunicator(half, 0, world, inA ? lowCount : 0, 7);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    public void SizesGroupsAndMergeFollowMpi(int size, int lowCount) => Ranks.Run(size, world =>
    {
        using Intercommunicator inter = Connect(world, lowCount, out bool inA);
        Assert.Equal(inA ? lowCount : size - lowCount, inter.Size);
        Assert.Equal(inA ? size - lowCount : lowCount, inter.RemoteSize);
        Assert.Equal(inA ? world.Rank : world.Rank - lowCount, inter.Rank);
        Group remote = inter.RemoteGroup;
        Assert.Equal(inter.RemoteSize, remote.Size);
        Assert.Equal(Group.NoProcess, remote.Rank);

        // B asks for the low ranks: B first, then A.
        using Intracommunicator merged = inter.Merge(upper: inA);
        Assert.Equal(size, merged.Size);
        Assert.Equal(inA ? size - lowCount + inter.Rank : inter.Rank, merged.Rank);
        Assert.Equal(size * (size - 1) / 2, merged.Allreduce(world.Rank, Operation<int>.Add));
    });

    [Fact]
    public void AllToAllFormsGiveEachGroupTheOtherGroupsData() => Ranks.Run(5, world =>
    {
        using Intercommunicator inter = Connect(world, 2, out bool inA);
        int remoteFirst = inA ? 2 : 0;
        int[] remoteWorld = Enumerable.Range(remoteFirst, inter.RemoteSize).ToArray();

        Assert.Equal(remoteWorld, inter.Allgather(world.Rank));
        Assert.Equal(remoteWorld.Select(r => $"w{r}"), inter.Allgather($"w{world.Rank}"));
        Assert.Equal(remoteWorld.Sum(), inter.Allreduce(world.Rank, Operation<int>.Add));
        Assert.Equal(string.Concat(remoteWorld.Select(r => $"{r};")), inter.Allreduce($"{world.Rank};", Operation<string>.Add));

        // Alltoall: value to remote d is 100·myWorld + d; I receive 100·theirWorld + myRank from each.
        int[] sent = Enumerable.Range(0, inter.RemoteSize).Select(d => 100 * world.Rank + d).ToArray();
        Assert.Equal(remoteWorld.Select(r => 100 * r + inter.Rank), inter.Alltoall(sent));

        // AlltoallFlattened: remote i sends (i + 1) copies of its world rank to each of us.
        int[] sendCounts = Enumerable.Repeat(inter.Rank + 1, inter.RemoteSize).ToArray();
        int[] recvCounts = Enumerable.Range(1, inter.RemoteSize).ToArray();
        int[] values = Enumerable.Repeat(world.Rank, sendCounts.Sum()).ToArray();
        int[] received = null!;
        inter.AlltoallFlattened(values, sendCounts, recvCounts, ref received);
        Assert.Equal(remoteWorld.SelectMany((r, i) => Enumerable.Repeat(r, i + 1)), received);

        // ReduceScatter over 6 elements: A splits them 3+3, B 2+2+2.
        int[] counts = inA ? [3, 3] : [2, 2, 2];
        int[] mine = Enumerable.Range(0, 6).Select(k => world.Rank * 10 + k).ToArray();
        int[] part = inter.ReduceScatter(mine, Operation<int>.Add, counts);
        int offset = counts.Take(inter.Rank).Sum();
        Assert.Equal(Enumerable.Range(offset, counts[inter.Rank]).Select(k => remoteWorld.Sum(r => r * 10 + k)), part);
        inter.Barrier();
    });

    [Fact]
    public void RootedFormsUseRootAndNull() => Ranks.Run(5, world =>
    {
        using Intercommunicator inter = Connect(world, 2, out bool inA);
        // Root: A's rank 1. B receives from remote rank 1.
        int root = inA ? (inter.Rank == 1 ? Intercommunicator.Root : Intercommunicator.Null) : 1;

        double[] data = inter.Rank == 1 && inA ? [1.5, 2.5] : new double[2];
        inter.Broadcast(ref data, root);
        Assert.Equal(inA && inter.Rank == 0 ? [0, 0] : new[] { 1.5, 2.5 }, data);

        int[] gathered = inter.Gather(world.Rank * 3, root);
        if (root == Intercommunicator.Root)
            Assert.Equal(new[] { 6, 9, 12 }, gathered);
        else
            Assert.Null(gathered);

        string total = inter.Reduce($"{world.Rank}", Operation<string>.Add, root);
        Assert.Equal(root == Intercommunicator.Root ? "234" : null, total);

        if (root == Intercommunicator.Root)
            inter.Scatter(new[] { "a", "b", "c" });
        else if (root == Intercommunicator.Null)
            inter.Scatter<string>();
        else
            Assert.Equal(((char)('a' + inter.Rank)).ToString(), inter.Scatter<string>(root));

        Assert.Throws<ArgumentOutOfRangeException>(() => inter.Gather(0, 9));
    });
}
