using Xunit;

namespace Hpc.Tests.Collectives;

/// <summary>mpirun --check: mismatched collective calls fail on every rank, naming both calls.</summary>
public class CollectiveCheckingTests
{
    [Fact]
    public void MismatchedCountsFailOnEveryRankNamingBothCalls()
    {
        var messages = new string?[3];
        InProcessWorld.Run(3, world =>
        {
            var data = new float[world.Rank == 1 ? 5 : 4];
            HpcException error = Assert.Throws<HpcException>(() => world.Allreduce(data, ReduceOp.Sum));
            messages[world.Rank] = error.Message;
        }, checkCollectives: true);
        Assert.All(messages, m => Assert.Equal(
            "collective mismatch on 'world': rank 0 called Allreduce(count=4, Single, op=sum) but rank 1 called Allreduce(count=5, Single, op=sum)", m));
    }

    [Fact]
    public void DifferentCollectivesAndRootsAreCaught()
    {
        var messages = new string?[2];
        InProcessWorld.Run(2, world =>
        {
            var data = new int[8];
            HpcException error = world.Rank == 0
                ? Assert.Throws<HpcException>(() => world.Broadcast(data, root: 0))
                : Assert.Throws<HpcException>(() => world.Broadcast(data, root: 1));
            messages[world.Rank] = error.Message;
        }, checkCollectives: true);
        Assert.All(messages, m => Assert.Contains("rank 0 called Broadcast(count=8, Int32, root=0) but rank 1 called Broadcast(count=8, Int32, root=1)", m));
    }

    [Fact]
    public void MatchingCallsPassAndStillComputeTheResult()
    {
        int[] sums = InProcessWorld.Run(4, world =>
        {
            world.Barrier();
            return world.Allreduce(world.Rank + 1, ReduceOp.Sum);
        }, checkCollectives: true);
        Assert.All(sums, s => Assert.Equal(10, s));
    }

    [Fact]
    public void AllgatherCountsMustMatch()
    {
        var messages = new string?[3];
        InProcessWorld.Run(3, world =>
        {
            var send = new int[world.Rank == 1 ? 2 : 1];
            HpcException error = Assert.Throws<HpcException>(() => world.Allgather<int>(send, new int[6]));
            messages[world.Rank] = error.Message;
        }, checkCollectives: true);
        Assert.All(messages, m => Assert.Equal(
            "collective mismatch on 'world': rank 0 called Allgather(count=1, Int32) but rank 1 called Allgather(count=2, Int32)", m));
    }

    [Fact]
    public void ScanAndExscanCountsMustMatch()
    {
        var messages = new string?[2];
        InProcessWorld.Run(2, world =>
        {
            var data = new float[world.Rank == 1 ? 5 : 4];
            messages[world.Rank] = Assert.Throws<HpcException>(() => world.Scan(data.AsSpan(), ReduceOp.Sum)).Message;
            var other = new long[world.Rank == 1 ? 3 : 2];
            Assert.Contains("rank 0 called Exscan(count=2, Int64, op=max) but rank 1 called Exscan(count=3, Int64, op=max)",
                Assert.Throws<HpcException>(() => world.Exscan(other.AsSpan(), ReduceOp.Max)).Message);
        }, checkCollectives: true);
        Assert.All(messages, m => Assert.Equal(
            "collective mismatch on 'world': rank 0 called Scan(count=4, Single, op=sum) but rank 1 called Scan(count=5, Single, op=sum)", m));
    }
}
