using Xunit;

namespace Hpc.Tests.Collectives;

/// <summary>Intercommunicators with ranks as threads: creation from two leaders over the world, remote p2p, MPI's root conventions, Merge.</summary>
public class IntercommunicatorTests
{
    /// <summary>Splits the world into the first <paramref name="firstSize"/> ranks and the rest, and connects the two.</summary>
    private static (Intercommunicator Inter, bool InFirst, Communicator Local) Connect(Communicator world, int firstSize)
    {
        bool first = world.Rank < firstSize;
        Communicator local = world.Split(first ? 0 : 1, world.Rank)!;
        // Leaders: local rank 0 of each group, world ranks 0 and firstSize.
        Intercommunicator inter = Intercommunicator.Create(local, 0, world, first ? firstSize : 0, tag: 77);
        return (inter, first, local);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(7, 3)]
    [InlineData(8, 4)]
    public void RemotePointToPointAndSizes(int size, int firstSize) => InProcessWorld.Run(size, world =>
    {
        (Intercommunicator inter, bool first, Communicator local) = Connect(world, firstSize);
        int remoteSize = first ? size - firstSize : firstSize;
        Assert.Equal(remoteSize, inter.RemoteSize);
        Assert.Equal(local.Rank, inter.Rank);
        Assert.Equal(local.Size, inter.Size);
        // Every process sends its world rank to remote rank (its rank mod remote size); receivers take all that come.
        inter.Send(world.Rank, inter.Rank % remoteSize, 5);
        int expected = Enumerable.Range(0, remoteSize).Count(r => r % inter.Size == inter.Rank);
        var got = new List<int>();
        for (int i = 0; i < expected; i++)
            got.Add(inter.Receive<int>(Communicator.AnySource, 5));
        int remoteBase = first ? firstSize : 0;
        Assert.Equal(Enumerable.Range(0, remoteSize).Where(r => r % inter.Size == inter.Rank).Select(r => remoteBase + r), got.Order());
        // The same tag on the local communicator never meets intercommunicator traffic.
        Assert.False(local.Iprobe(Communicator.AnySource, 5, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => inter.Send(1, remoteSize, 5));
        inter.Dispose();
    });

    [Theory]
    [InlineData(2, 1)]
    [InlineData(7, 3)]
    public void BroadcastAndAllreduceFollowMpisRootConventions(int size, int firstSize) => InProcessWorld.Run(size, world =>
    {
        (Intercommunicator inter, bool first, _) = Connect(world, firstSize);
        inter.Barrier();
        // Group one broadcasts from its last rank; group two receives.
        int rootRank = firstSize - 1;
        int[] data = first && inter.Rank == rootRank ? [11, 22, 33] : [0, 0, 0];
        int root = first ? (inter.Rank == rootRank ? Intercommunicator.Root : Communicator.ProcNull) : rootRank;
        inter.Broadcast<int>(data, root);
        Assert.Equal(first && inter.Rank != rootRank ? [0, 0, 0] : [11, 22, 33], data);

        // Each group gets the sum over the other group's world ranks.
        int otherSum = first ? Enumerable.Range(firstSize, size - firstSize).Sum() : Enumerable.Range(0, firstSize).Sum();
        Assert.Equal(otherSum, inter.Allreduce(world.Rank, ReduceOp.Sum));

        // Gather at group two's rank 0, two elements per process of group one.
        int remoteBase = first ? firstSize : 0;
        int[] gathered = new int[2 * inter.RemoteSize];
        int gatherRoot = first ? 0 : (inter.Rank == 0 ? Intercommunicator.Root : Communicator.ProcNull);
        inter.Gather<int>([world.Rank, -world.Rank], gathered, gatherRoot);
        if (!first && inter.Rank == 0)
            Assert.Equal(Enumerable.Range(0, firstSize).SelectMany(r => new[] { r, -r }), gathered);

        // Scatter from group one's rank 0: remote process r gets 100 + r.
        int[] blocks = first && inter.Rank == 0 ? [.. Enumerable.Range(0, inter.RemoteSize).Select(r => 100 + r)] : [];
        var one = new int[1];
        inter.Scatter<int>(blocks, first ? [] : one, first ? (inter.Rank == 0 ? Intercommunicator.Root : Communicator.ProcNull) : 0);
        if (!first)
            Assert.Equal(100 + inter.Rank, one[0]);

        // Allgather: each group sees the other's world ranks.
        var all = new int[inter.RemoteSize];
        inter.Allgather<int>([world.Rank], all);
        Assert.Equal(Enumerable.Range(remoteBase, inter.RemoteSize), all);
        inter.Barrier();
    });

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void MergeOrdersTheGroupsByHigh(bool firstHigh, bool secondHigh) => InProcessWorld.Run(5, world =>
    {
        (Intercommunicator inter, bool first, _) = Connect(world, 2);
        using Communicator merged = inter.Merge(first ? firstHigh : secondHigh);
        bool firstComesFirst = firstHigh == secondHigh || !firstHigh;
        int[] expected = firstComesFirst ? [0, 1, 2, 3, 4] : [2, 3, 4, 0, 1];
        Assert.Equal(5, merged.Size);
        Assert.Equal(expected, merged.Allgather(world.Rank));
        Assert.Equal(Array.IndexOf(expected, world.Rank), merged.Rank);
        Assert.Equal(10, merged.Allreduce(world.Rank, ReduceOp.Sum));
    });

    [Fact]
    public void OverlappingGroupsAreRejected() => InProcessWorld.Run(2, world =>
    {
        // Each rank is a group of its own and names itself as the remote leader: the groups overlap.
        using Communicator alone = world.Split(world.Rank, 0)!;
        var e = Assert.Throws<ArgumentException>(() => Intercommunicator.Create(alone, 0, world, world.Rank, 3));
        Assert.Contains("the two groups overlap", e.Message);
    });
}
