using Xunit;

namespace Hpc.Tests.Collectives;

public class CommunicatorCreationTests
{
    [Fact]
    public void DupHasTheSameRanksAndItsOwnMessageSpace()
    {
        InProcessWorld.Run(4, world =>
        {
            using Communicator copy = world.Dup();
            Assert.Equal(world.Rank, copy.Rank);
            Assert.Equal(world.Size, copy.Size);
            Assert.NotEqual(world.Context, copy.Context);
            Assert.Equal(10, copy.Allreduce(world.Rank + 1, ReduceOp.Sum));

            // Same source and tag on both communicators: each receive takes only its own message.
            if (world.Rank == 0)
            {
                world.Send(1, 1, 5);
                copy.Send(2, 1, 5);
            }
            else if (world.Rank == 1)
            {
                Assert.Equal(2, copy.Receive<int>(0, 5));
                Assert.Equal(1, world.Receive<int>(0, 5));
            }
        });
    }

    [Fact]
    public void SplitGroupsByColorAndOrdersByKeyThenRank()
    {
        const int size = 7;
        InProcessWorld.Run(size, world =>
        {
            // Colors 0/1/2 by rank % 3; key reverses the order; rank 6 opts out.
            int color = world.Rank == 6 ? Communicator.Undefined : world.Rank % 3;
            Communicator? part = world.Split(color, key: -world.Rank);
            if (world.Rank == 6)
            {
                Assert.Null(part);
                return;
            }
            Assert.NotNull(part);
            int[] members = [.. Enumerable.Range(0, 6).Where(r => r % 3 == color).OrderByDescending(r => r)];
            Assert.Equal(members.Length, part.Size);
            Assert.Equal(Array.IndexOf(members, world.Rank), part.Rank);
            Assert.Equal(members, part.Allgather(world.Rank));
            Assert.Equal(members.Sum(), part.Allreduce(world.Rank, ReduceOp.Sum));
            Assert.StartsWith("split of", part.Name);

            // Split of a split, with equal keys: the old rank decides the order.
            Communicator? half = part.Split(0, key: 0);
            Assert.NotNull(half);
            Assert.Equal(part.Rank, half.Rank);
            half.Barrier();
        });
    }

    [Fact]
    public void ContextIdsStayDistinctAcrossRepeatedCreation()
    {
        InProcessWorld.Run(5, world =>
        {
            var contexts = new HashSet<int> { world.Context };
            Communicator current = world;
            for (int i = 0; i < 6; i++)
            {
                Communicator? next = i % 2 == 0 ? current.Dup() : current.Split(world.Rank % 2, world.Rank);
                Assert.NotNull(next);
                Assert.True(contexts.Add(next.Context), $"context {next.Context} reused");
                next.Barrier();
                current = next;
            }
            // Ranks that were split apart still agree on fresh contexts when they meet again.
            using Communicator again = world.Dup();
            Assert.True(contexts.Add(again.Context));
            Assert.Equal(10, again.Allreduce(world.Rank, ReduceOp.Sum));
        });
    }

    [Fact]
    public void UserAnyTagReceiveNeverTakesCollectiveTraffic()
    {
        InProcessWorld.Run(3, world =>
        {
            if (world.Rank == 0)
            {
                // Posted before the collectives start: a wildcard receive that must match only
                // the user message sent after them.
                var box = new int[1];
                Request pending = world.Irecv(box, Communicator.AnySource, Communicator.AnyTag);
                int[] data = [1, 2, 3];
                world.Allreduce(data, ReduceOp.Sum);
                world.Broadcast(data, 1);
                world.Barrier();
                Status status = pending.Wait();
                Assert.Equal(2, status.Source);
                Assert.Equal(77, status.Tag);
                Assert.Equal(99, box[0]);
            }
            else
            {
                int[] data = [1, 2, 3];
                world.Allreduce(data, ReduceOp.Sum);
                world.Broadcast(data, 1);
                world.Barrier();
                if (world.Rank == 2)
                    world.Send(99, 0, 77);
            }
        });
    }

    [Fact]
    public void SplitRejectsANegativeColor()
    {
        InProcessWorld.Run(1, world =>
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => world.Split(-5, 0));
            Assert.Equal("color", error.ParamName);
        });
    }

    [Fact]
    public void SplitByHostGroupsTheRanksOfEachHostAndLeadersHoldOnePerHost()
    {
        // Hosts interleaved on purpose: the split must follow host names, not rank order.
        string[] hosts = ["a", "b", "a", "c", "b", "a"];
        InProcessWorld.Run(hosts.Length, world =>
        {
            Assert.Equal(3, world.HostCount);
            using Communicator local = world.SplitByHost();
            int[] expected = [.. Enumerable.Range(0, hosts.Length).Where(r => hosts[r] == hosts[world.Rank])];
            Assert.Equal(expected.Length, local.Size);
            Assert.Equal(Array.IndexOf(expected, world.Rank), local.Rank);
            Assert.Equal(1, local.HostCount);
            // The members really are those ranks: their world ranks, gathered, in order.
            Assert.Equal(expected, local.Allgather(world.Rank));

            using Communicator? leaders = world.SplitHostLeaders();
            bool isLeader = world.Rank is 0 or 1 or 3;
            Assert.Equal(isLeader, leaders is not null);
            if (leaders is not null)
            {
                Assert.Equal(3, leaders.Size);
                Assert.Equal(new[] { 0, 1, 3 }, leaders.Allgather(world.Rank));
            }
        }, hosts: hosts);
    }
}
