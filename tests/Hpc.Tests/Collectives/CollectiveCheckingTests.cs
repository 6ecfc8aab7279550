using Xunit;

namespace Hpc.Tests.Collectives;

/// <summary>mpirun --check: mismatched collective calls fail on every rank with one sentence naming the ranks and their calls.</summary>
public class CollectiveCheckingTests
{
    private static string[] MessagesOf(int size, Action<Communicator> call)
    {
        var messages = new string[size];
        InProcessWorld.Run(size, world =>
        {
            messages[world.Rank] = Assert.Throws<CollectiveMismatchException>(() => call(world)).Message;
        }, checkCollectives: true);
        // Every rank fails with the same sentence (rank 0's verdict), so a job prints it once.
        Assert.All(messages, m => Assert.Equal(messages[0], m));
        return messages;
    }

    [Fact]
    public void MismatchedCountsFailOnEveryRankNamingBothCalls()
    {
        string[] messages = MessagesOf(3, world => world.Allreduce(new float[world.Rank == 1 ? 5 : 4], ReduceOp.Sum));
        Assert.Equal("collective mismatch (--check): ranks 0,2 are in Allreduce #1 on world (4 float, op sum); rank 1 is in Allreduce #1 (5 float, op sum)", messages[0]);
    }

    [Fact]
    public void DifferentRootsAreCaught()
    {
        string[] messages = MessagesOf(2, world => world.Broadcast(new int[8], root: world.Rank));
        Assert.Equal("collective mismatch (--check): rank 0 is in Broadcast #1 on world (8 int, root 0); rank 1 is in Broadcast #1 (8 int, root 1)", messages[0]);
    }

    [Fact]
    public void ADifferentCollectiveIsCaught()
    {
        string[] messages = MessagesOf(4, world =>
        {
            world.Barrier();
            if (world.Rank == 3)
                world.Broadcast(new float[16], root: 0);
            else
                world.Allreduce(new float[16], ReduceOp.Sum);
        });
        Assert.Equal("collective mismatch (--check): ranks 0-2 are in Allreduce #2 on world (16 float, op sum); rank 3 is in Broadcast #2 (16 float, root 0)", messages[0]);
    }

    [Fact]
    public void MatchingCallsPassAndStillComputeTheResult()
    {
        int[] sums = InProcessWorld.Run(4, world =>
        {
            world.Barrier();
            var gathered = new int[4];
            world.Allgatherv<int>([world.Rank], gathered, [1, 1, 1, 1]);
            Assert.Equal([0, 1, 2, 3], gathered);
            int total = world.ReduceScatter<int>(new int[4] { 1, 1, 1, 1 }, [1, 1, 1, 1], ReduceOp.Sum)[0];
            return world.Allreduce(world.Rank + 1, ReduceOp.Sum) + total - 4;
        }, checkCollectives: true);
        Assert.All(sums, s => Assert.Equal(10, s));
    }

    [Fact]
    public void AllgatherCountsMustMatch()
    {
        string[] messages = MessagesOf(3, world => world.Allgather<int>(new int[world.Rank == 1 ? 2 : 1], new int[6]));
        Assert.Equal("collective mismatch (--check): ranks 0,2 are in Allgather #1 on world (1 int); rank 1 is in Allgather #1 (2 int)", messages[0]);
    }

    [Fact]
    public void ScanAndExscanCountsMustMatch()
    {
        string[] scan = MessagesOf(2, world => world.Scan(new float[world.Rank == 1 ? 5 : 4].AsSpan(), ReduceOp.Sum));
        Assert.Equal("collective mismatch (--check): rank 0 is in Scan #1 on world (4 float, op sum); rank 1 is in Scan #1 (5 float, op sum)", scan[0]);
        string[] exscan = MessagesOf(2, world => world.Exscan(new long[world.Rank == 1 ? 3 : 2].AsSpan(), ReduceOp.Max));
        Assert.Equal("collective mismatch (--check): rank 0 is in Exscan #1 on world (2 long, op max); rank 1 is in Exscan #1 (3 long, op max)", exscan[0]);
    }

    [Fact]
    public void GathervCountsMustMatchTheRootsCounts()
    {
        string[] messages = MessagesOf(3, world =>
            world.Gatherv<int>(new int[world.Rank == 2 ? 3 : 2], new int[7], [2, 2, 2], root: 0));
        Assert.Equal("collective mismatch (--check): Gatherv #1 on world: root 0 expects 2 int from rank 2, which sends 3", messages[0]);
    }

    [Fact]
    public void ScattervCountsMustMatchTheRootsCounts()
    {
        string[] messages = MessagesOf(3, world =>
            world.Scatterv<int>(new int[6], [2, 2, 2], new int[world.Rank == 1 ? 1 : 2], root: 0));
        Assert.Equal("collective mismatch (--check): Scatterv #1 on world: root 0 sends 2 int to rank 1, which expects 1", messages[0]);
    }

    [Fact]
    public void AllgathervCountsMustBeTheSameOnEveryRank()
    {
        string[] messages = MessagesOf(3, world =>
        {
            int[] counts = world.Rank == 2 ? [1, 2, 1] : [1, 1, 1];
            world.Allgatherv<int>(new int[counts[world.Rank]], new int[4], counts);
        });
        Assert.Equal("collective mismatch (--check): Allgatherv #1 on world: the counts must be the same on every rank, but rank 0 passes [1,1,1] and rank 2 passes [1,2,1]", messages[0]);
    }

    [Fact]
    public void AlltoallvSendCountsMustMatchTheReceiversCounts()
    {
        string[] messages = MessagesOf(2, world =>
        {
            // Rank 0 sends 2 to rank 1, which expects 1 from it.
            int[] sendCounts = world.Rank == 0 ? [1, 2] : [1, 1];
            int[] receiveCounts = [1, 1];
            world.Alltoallv<int>(new int[sendCounts.Sum()], sendCounts, new int[2], receiveCounts);
        });
        Assert.Equal("collective mismatch (--check): Alltoallv #1 on world: rank 0 sends 2 int to rank 1, which expects 1 from it", messages[0]);
    }

    [Fact]
    public void ReduceScatterCountsMustBeTheSameOnEveryRank()
    {
        string[] messages = MessagesOf(2, world =>
        {
            int[] counts = world.Rank == 0 ? [1, 1] : [2, 0];
            world.ReduceScatter<int>(new int[2], new int[2], counts, ReduceOp.Sum);
        });
        Assert.Equal("collective mismatch (--check): ReduceScatter #1 on world: the counts must be the same on every rank, but rank 0 passes [1,1] and rank 1 passes [2,0]", messages[0]);
    }
}
