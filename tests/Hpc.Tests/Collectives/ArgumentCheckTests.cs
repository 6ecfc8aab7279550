using Xunit;

namespace Hpc.Tests.Collectives;

public class ArgumentCheckTests
{
    [Fact]
    public void ErrorsNameTheArgumentAndTheValues()
    {
        InProcessWorld.Run(3, world =>
        {
            var root = Assert.Throws<ArgumentOutOfRangeException>(() => world.Broadcast(new int[4], 3));
            Assert.Equal("root", root.ParamName);
            Assert.Contains("root 3 is outside communicator 'world' of size 3", root.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => world.Reduce(1, ReduceOp.Sum, -1));

            var small = Assert.Throws<ArgumentException>(() => world.Allreduce(new int[5], new int[4], ReduceOp.Sum));
            Assert.Equal("receive", small.ParamName);
            Assert.Contains("receive holds 4 elements but 5 are needed", small.Message);

            var gather = Assert.Throws<ArgumentException>(() => world.Allgather(new int[2], new int[5]));
            Assert.Contains("receive holds 5 elements but 6 are needed (3 ranks × 2 elements)", gather.Message);

            var counts = Assert.Throws<ArgumentException>(() => world.ReduceScatter(new int[6], new int[2], [2, 2], ReduceOp.Sum));
            Assert.Equal("counts", counts.ParamName);
            Assert.Contains("counts has 2 entries but communicator 'world' has 3 ranks", counts.Message);

            var negative = Assert.Throws<ArgumentException>(() => world.Allgatherv(new int[1], new int[5], [1, -1, 1]));
            Assert.Contains("counts[1] is -1", negative.Message);

            var displacement = Assert.Throws<ArgumentException>(() => world.Allgatherv(new int[1], new int[3], [1, 1, 1], [0, 1, 3]));
            Assert.Equal("displacements", displacement.ParamName);
            Assert.Contains("displacements[2] = 3 with count 1 does not fit in receive of 3 elements", displacement.Message);

            var alltoall = Assert.Throws<ArgumentException>(() => world.Alltoall(new int[4], new int[4]));
            Assert.Contains("not a multiple of the 3 ranks", alltoall.Message);

            var overlap = Assert.Throws<ArgumentException>(() =>
            {
                var buffer = new int[6];
                world.Allreduce(buffer.AsSpan(0, 4), buffer.AsSpan(1, 5), ReduceOp.Sum);
            });
            Assert.Contains("overlap", overlap.Message);

            // Every check happened before any message was sent: the world still works.
            Assert.Equal(3, world.Allreduce(1, ReduceOp.Sum));
        });
    }

    [Fact]
    public void UnsupportedOperationNamesOperationAndType()
    {
        InProcessWorld.Run(1, world =>
        {
            var bitwise = Assert.Throws<ArgumentException>(() => world.Allreduce(new float[3], ReduceOp.BitAnd));
            Assert.Equal("op", bitwise.ParamName);
            Assert.Contains("ReduceOp.BitAnd is not defined for float", bitwise.Message);
            Assert.Contains("integer", bitwise.Message);

            var wrongType = Assert.Throws<ArgumentException>(() => world.Allreduce(new double[2], ReduceOp.Create<int>((a, b) => a + b, name: "add")));
            Assert.Contains("'add' was created for int elements but the data is double", wrongType.Message);
        });
    }
}
