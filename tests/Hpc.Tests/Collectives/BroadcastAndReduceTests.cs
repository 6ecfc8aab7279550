using Hpc.Collectives.Broadcast;
using Xunit;
using static Hpc.Tests.Collectives.CollectiveTestData;

namespace Hpc.Tests.Collectives;

public class BroadcastAndReduceTests
{
    public static TheoryData<int> AllSizes() => [.. Sizes];

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void BroadcastFromEveryRootWithEveryAlgorithm(int size)
    {
        long eagerLimit = size % 2 == 0 ? SmallEagerLimit : RankRuntime.DefaultEagerLimit;
        InProcessWorld.Run(size, world =>
        {
            foreach (BroadcastAlgorithm algorithm in new[] { BroadcastAlgorithm.Binomial, BroadcastAlgorithm.ScatterAllgather, BroadcastAlgorithm.Chain })
            {
                for (int root = 0; root < size; root++)
                {
                    foreach (int count in CountsFor(size))
                    {
                        int seed = root * 101 + count;
                        int[] expected = Ints(seed, root, count);
                        int[] data = world.Rank == root ? [.. expected] : new int[count];
                        world.Broadcast(data, root, algorithm);
                        Assert.Equal(expected, data);
                    }
                }
            }
            Assert.Equal(42.5, world.Broadcast(world.Rank == size - 1 ? 42.5 : -1, size - 1));
        }, eagerLimit);
    }

    [Fact]
    public void LargeBroadcastPipelinesThroughTheRing()
    {
        const int count = (1 << 20) + 3;
        InProcessWorld.Run(5, world =>
        {
            double[] expected = Doubles(9, 2, count);
            double[] data = world.Rank == 2 ? [.. expected] : new double[count];
            world.Broadcast(data, 2, BroadcastAlgorithm.ScatterAllgather);
            Assert.Equal(expected, data);
        }, SmallEagerLimit);
    }

    [Fact]
    public void ChainSegmentsAreAbout32ndOfTheMessageWithinTheirBounds()
    {
        Assert.Equal(ChainBroadcast.MinSegmentBytes, ChainBroadcast.SegmentBytesFor(1));
        Assert.Equal(ChainBroadcast.MinSegmentBytes, ChainBroadcast.SegmentBytesFor(256 * 1024));
        Assert.Equal(32 * 1024, ChainBroadcast.SegmentBytesFor(1 << 20));
        Assert.Equal(ChainBroadcast.MaxSegmentBytes, ChainBroadcast.SegmentBytesFor(2 << 20));
        Assert.Equal(ChainBroadcast.MaxSegmentBytes, ChainBroadcast.SegmentBytesFor(1L << 34));
    }

    [Fact]
    public void ChainVisitsTheHostsOneAfterAnotherFromTheRoot()
    {
        Assert.Equal([2, 3, 4, 0, 1], ChainBroadcast.Order(2, 5, []));
        int[] threeByTwo = [0, 0, 1, 1, 2, 2];
        Assert.Equal([0, 1, 2, 3, 4, 5], ChainBroadcast.Order(0, 6, threeByTwo));
        Assert.Equal([3, 2, 4, 5, 0, 1], ChainBroadcast.Order(3, 6, threeByTwo));
        // Interleaved placement: each host's ranks stay together, so the chain crosses each link once.
        int[] interleaved = [0, 1, 0, 1, 2];
        Assert.Equal([1, 3, 4, 0, 2], ChainBroadcast.Order(1, 5, interleaved));
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(4, 3)]
    public void ChainBroadcastCarriesManySegmentsAndElementsThatStraddleThem(int size, int root)
    {
        // 12-byte elements: 64 KiB segments end inside an element, and the last segment is short.
        const int count = 40 * ChainBroadcast.MaxSegmentBytes / 12 + 5;
        InProcessWorld.Run(size, world =>
        {
            System.Numerics.Vector3[] expected = [.. Enumerable.Range(0, count).Select(i => new System.Numerics.Vector3(i, root, -i))];
            System.Numerics.Vector3[] data = world.Rank == root ? [.. expected] : new System.Numerics.Vector3[count];
            world.Broadcast(data, root, BroadcastAlgorithm.Chain);
            Assert.Equal(expected, data);
        }, SmallEagerLimit);
    }

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void ReduceToEveryRootKeepsRankOrder(int size)
    {
        ReduceOp product = ReduceOp.Create<Matrix2>((a, b) => a * b, commutative: false, name: "matrix product");
        InProcessWorld.Run(size, world =>
        {
            for (int root = 0; root < size; root++)
            {
                foreach (int count in new[] { 0, 1, size + 1, 300 })
                {
                    int seed = root * 13 + count;
                    int[][] ints = [.. Enumerable.Range(0, size).Select(r => Ints(seed, r, count))];
                    var sums = new int[world.Rank == root ? count : 0];
                    world.Reduce(ints[world.Rank], sums, ReduceOp.Sum, root);
                    if (world.Rank == root)
                        Assert.Equal(Reduce(ints, (a, b) => a + b), sums);

                    Matrix2[][] matrices = [.. Enumerable.Range(0, size).Select(r => Matrices(seed, r, count))];
                    Matrix2[] mine = [.. matrices[world.Rank]];
                    world.Reduce(mine, product, root);
                    if (world.Rank == root)
                        Assert.Equal(Reduce(matrices, (a, b) => a * b), mine);
                    else
                        Assert.Equal(matrices[world.Rank], mine); // in place leaves non-roots' data alone
                }
            }
            int total = world.Reduce(world.Rank, ReduceOp.Sum, root: 0);
            Assert.Equal(world.Rank == 0 ? size * (size - 1) / 2 : 0, total);
        }, size % 3 == 0 ? SmallEagerLimit : RankRuntime.DefaultEagerLimit);
    }

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void ScanAndExscanArePrefixesInRankOrder(int size)
    {
        ReduceOp product = ReduceOp.Create<Matrix2, MatrixProduct>(commutative: false);
        InProcessWorld.Run(size, world =>
        {
            foreach (int count in new[] { 0, 1, 7, 500 })
            {
                Matrix2[][] all = [.. Enumerable.Range(0, size).Select(r => Matrices(count, r, count))];
                Matrix2[] inclusive = Reduce(all[..(world.Rank + 1)], (a, b) => a * b);

                var scanned = new Matrix2[count];
                world.Scan(all[world.Rank], scanned, product);
                Assert.Equal(inclusive, scanned);

                Matrix2[] exclusive = new Matrix2[count];
                exclusive.AsSpan().Fill(new Matrix2(9, 9, 9, 9));
                world.Exscan(all[world.Rank], exclusive, product);
                if (world.Rank == 0)
                    Assert.All(exclusive, m => Assert.Equal(new Matrix2(9, 9, 9, 9), m));
                else
                    Assert.Equal(Reduce(all[..world.Rank], (a, b) => a * b), exclusive);

                Matrix2[] inPlace = [.. all[world.Rank]];
                world.Scan(inPlace, product);
                Assert.Equal(inclusive, inPlace);
            }
            Assert.Equal((world.Rank + 1) * (world.Rank + 2) / 2, world.Scan(world.Rank + 1, ReduceOp.Sum));
            Assert.Equal(world.Rank * (world.Rank + 1) / 2, world.Exscan(world.Rank + 1, ReduceOp.Sum));
        });
    }

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void ReduceScatterWithBothAlgorithms(int size)
    {
        ReduceOp product = ReduceOp.Create<Matrix2, MatrixProduct>(commutative: false);
        InProcessWorld.Run(size, world =>
        {
            foreach (ReduceScatterAlgorithm algorithm in new[] { ReduceScatterAlgorithm.Ring, ReduceScatterAlgorithm.ReduceThenScatter })
            {
                // Uneven counts, including empty blocks.
                int[] counts = [.. Enumerable.Range(0, size).Select(r => (r * 37) % 5 == 0 ? 0 : (r * 37) % 5 + r)];
                int total = counts.Sum();
                int offset = counts[..world.Rank].Sum();

                int[][] ints = [.. Enumerable.Range(0, size).Select(r => Ints(size, r, total))];
                int[] block = world.ReduceScatter<int>(ints[world.Rank], counts, ReduceOp.Sum, algorithm);
                Assert.Equal(Reduce(ints, (a, b) => a + b).AsSpan(offset, counts[world.Rank]).ToArray(), block);

                Matrix2[][] matrices = [.. Enumerable.Range(0, size).Select(r => Matrices(size, r, total))];
                var mine = new Matrix2[counts[world.Rank]];
                world.ReduceScatter(matrices[world.Rank], mine, counts, product, algorithm);
                Assert.Equal(Reduce(matrices, (a, b) => a * b).AsSpan(offset, counts[world.Rank]).ToArray(), mine);

                float[][] floats = [.. Enumerable.Range(0, size).Select(r => Floats(size, r, 3 * size))];
                float[] part = world.ReduceScatterBlock<float>(floats[world.Rank], ReduceOp.Max, algorithm);
                Assert.Equal(Reduce(floats, Math.Max).AsSpan(3 * world.Rank, 3).ToArray(), part);
            }
        }, size % 2 == 1 ? SmallEagerLimit : RankRuntime.DefaultEagerLimit);
    }

    [Fact]
    public void LargeRingReduceScatter()
    {
        const int perRank = 300_000;
        double[][] all = [.. Enumerable.Range(0, 4).Select(r => Doubles(3, r, 4 * perRank))];
        double[] sum = Reduce(all, (a, b) => a + b);
        InProcessWorld.Run(4, world =>
        {
            var mine = new double[perRank];
            world.ReduceScatterBlock(all[world.Rank], mine, ReduceOp.Sum, ReduceScatterAlgorithm.Ring);
            AssertClose(sum.AsSpan(world.Rank * perRank, perRank).ToArray(), mine, 1e-12, "ring reduce-scatter");
        });
    }

    [Theory]
    [InlineData(BarrierAlgorithm.Dissemination, 3)]
    [InlineData(BarrierAlgorithm.Dissemination, 6)]
    [InlineData(BarrierAlgorithm.Direct, 2)]
    [InlineData(BarrierAlgorithm.Direct, 3)]
    [InlineData(BarrierAlgorithm.Direct, 5)]
    public void EveryBarrierAlgorithmHoldsEveryRankUntilAllEntered(BarrierAlgorithm algorithm, int size)
    {
        int entered = 0;
        InProcessWorld.Run(size, world =>
        {
            for (int round = 1; round <= 20; round++)
            {
                // The last rank to arrive comes late, so an early release would be seen.
                if (world.Rank == round % size)
                    Thread.Sleep(2);
                Interlocked.Increment(ref entered);
                world.Barrier(algorithm);
                Assert.True(Volatile.Read(ref entered) >= round * size, $"rank {world.Rank} left {algorithm} barrier {round} early");
                world.Barrier(algorithm);
            }
        });
    }

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void NoRankLeavesTheBarrierBeforeAllEntered(int size)
    {
        int entered = 0;
        InProcessWorld.Run(size, world =>
        {
            for (int round = 1; round <= 5; round++)
            {
                Interlocked.Increment(ref entered);
                world.Barrier();
                Assert.True(Volatile.Read(ref entered) >= round * size, $"rank {world.Rank} left barrier {round} early");
                world.Barrier();
            }
        });
    }
}
