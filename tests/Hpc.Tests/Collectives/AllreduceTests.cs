using Xunit;
using static Hpc.Tests.Collectives.CollectiveTestData;

namespace Hpc.Tests.Collectives;

public class AllreduceTests
{
    private static readonly ReduceOp MatrixOp = ReduceOp.Create<Matrix2, MatrixProduct>(commutative: false);

    public static TheoryData<AllreduceAlgorithm, int> AlgorithmsAndSizes()
    {
        var data = new TheoryData<AllreduceAlgorithm, int>();
        foreach (AllreduceAlgorithm algorithm in new[] { AllreduceAlgorithm.Ring, AllreduceAlgorithm.Tree, AllreduceAlgorithm.RecursiveDoubling, AllreduceAlgorithm.Rabenseifner, AllreduceAlgorithm.Direct })
        {
            foreach (int size in Sizes)
                data.Add(algorithm, size);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AlgorithmsAndSizes))]
    public void EveryOperationMatchesTheSequentialReference(AllreduceAlgorithm algorithm, int size)
    {
        // Alternate eager and rendezvous so each algorithm and each size sees both paths.
        long eagerLimit = (size + (int)algorithm) % 2 == 0 ? SmallEagerLimit : RankRuntime.DefaultEagerLimit;
        int[] counts = CountsFor(size);
        InProcessWorld.Run(size, world =>
        {
            foreach (int count in counts)
            {
                bool inPlace = count % 2 == 0;
                int seed = count * 31 + size;
                CheckInts(world, algorithm, size, count, seed, inPlace);
                CheckFloats(world, algorithm, size, count, seed, !inPlace);
                CheckDoubles(world, algorithm, size, count, seed, inPlace);
                CheckMatrices(world, algorithm, size, count, seed, !inPlace);
                CheckLocations(world, algorithm, size, count, seed, inPlace);
            }
        }, eagerLimit);
    }

    private static T[] Run<T>(Communicator world, T[] mine, ReduceOp op, AllreduceAlgorithm algorithm, bool inPlace) where T : unmanaged
    {
        if (inPlace)
        {
            T[] data = [.. mine];
            world.Allreduce(data, op, algorithm);
            return data;
        }
        // A longer receive buffer: only the first send.Length elements may be written.
        var receive = new T[mine.Length + 2];
        world.Allreduce(mine, receive, op, algorithm);
        Assert.Equal(default, receive[^1]);
        return receive[..mine.Length];
    }

    private static void CheckInts(Communicator world, AllreduceAlgorithm algorithm, int size, int count, int seed, bool inPlace)
    {
        int[][] all = [.. Enumerable.Range(0, size).Select(r => Ints(seed, r, count))];
        Assert.Equal(Reduce(all, (a, b) => a + b), Run(world, all[world.Rank], ReduceOp.Sum, algorithm, inPlace));
        Assert.Equal(Reduce(all, Math.Max), Run(world, all[world.Rank], ReduceOp.Max, algorithm, inPlace));
    }

    private static void CheckFloats(Communicator world, AllreduceAlgorithm algorithm, int size, int count, int seed, bool inPlace)
    {
        float[][] all = [.. Enumerable.Range(0, size).Select(r => Floats(seed, r, count))];
        float[] result = Run(world, all[world.Rank], ReduceOp.Sum, algorithm, inPlace);
        double[] reference = Reduce([.. all.Select(a => a.Select(x => (double)x).ToArray())], (a, b) => a + b);
        AssertClose(reference, [.. result.Select(x => (double)x)], 1e-5, $"float sum, {algorithm}, np={size}, count={count}");
        AssertBitIdentical(world, result);
    }

    private static void CheckDoubles(Communicator world, AllreduceAlgorithm algorithm, int size, int count, int seed, bool inPlace)
    {
        double[][] all = [.. Enumerable.Range(0, size).Select(r => Doubles(seed, r, count))];
        double[] result = Run(world, all[world.Rank], ReduceOp.Sum, algorithm, inPlace);
        AssertClose(Reduce(all, (a, b) => a + b), result, 1e-12, $"double sum, {algorithm}, np={size}, count={count}");
        double[] minimum = Run(world, all[world.Rank], ReduceOp.Min, algorithm, inPlace);
        Assert.Equal(Reduce(all, Math.Min), minimum);
    }

    private static void CheckMatrices(Communicator world, AllreduceAlgorithm algorithm, int size, int count, int seed, bool inPlace)
    {
        Matrix2[][] all = [.. Enumerable.Range(0, size).Select(r => Matrices(seed, r, count))];
        Assert.Equal(Reduce(all, (a, b) => a * b), Run(world, all[world.Rank], MatrixOp, algorithm, inPlace));
    }

    private static void CheckLocations(Communicator world, AllreduceAlgorithm algorithm, int size, int count, int seed, bool inPlace)
    {
        ValueRank<double>[][] all = [.. Enumerable.Range(0, size).Select(r => Locations(seed, r, count))];
        Assert.Equal(Reduce(all, MinLoc), Run(world, all[world.Rank], ReduceOp.MinLoc, algorithm, inPlace));
        Assert.Equal(Reduce(all, MaxLoc), Run(world, all[world.Rank], ReduceOp.MaxLoc, algorithm, inPlace));
    }

    /// <summary>Every rank must hold the same bits: compare each rank's result with rank 0's.</summary>
    private static void AssertBitIdentical(Communicator world, float[] result)
    {
        float[] first = world.Rank == 0 ? [.. result] : new float[result.Length];
        world.Broadcast(first, 0, BroadcastAlgorithm.Binomial);
        Assert.True(SameBits(first, result), $"rank {world.Rank}'s float sum differs in its bits from rank 0's");
    }

    [Theory]
    [InlineData(AllreduceAlgorithm.Ring, 3)]
    [InlineData(AllreduceAlgorithm.Ring, 4)]
    [InlineData(AllreduceAlgorithm.Rabenseifner, 3)]
    [InlineData(AllreduceAlgorithm.Rabenseifner, 4)]
    [InlineData(AllreduceAlgorithm.RecursiveDoubling, 3)]
    [InlineData(AllreduceAlgorithm.Tree, 4)]
    [InlineData(AllreduceAlgorithm.Direct, 3)]
    public void LargeFloatSumIsBitIdenticalAndPipelined(AllreduceAlgorithm algorithm, int size)
    {
        const int count = 1 << 20;
        float[][] all = [.. Enumerable.Range(0, size).Select(r => Floats(count, r, count))];
        InProcessWorld.Run(size, world =>
        {
            float[] data = [.. all[world.Rank]];
            world.Allreduce(data, ReduceOp.Sum, algorithm);
            // Spot-check against the sequential sum.
            for (int i = 0; i < count; i += 997)
            {
                double expected = all.Sum(a => (double)a[i]);
                Assert.True(Math.Abs(expected - data[i]) <= 1e-3 * (Math.Abs(expected) + 1), $"element {i}: {data[i]} vs {expected}");
            }
            AssertBitIdentical(world, data);
        }, SmallEagerLimit);
    }

    [Theory]
    [InlineData(AllreduceAlgorithm.Ring)]
    [InlineData(AllreduceAlgorithm.Rabenseifner)]
    [InlineData(AllreduceAlgorithm.Direct)]
    public void LargeNonCommutativeKeepsRankOrder(AllreduceAlgorithm algorithm)
    {
        const int count = 100_000;
        Matrix2[][] all = [.. Enumerable.Range(0, 5).Select(r => Matrices(count, r, count))];
        Matrix2[] expected = Reduce(all, (a, b) => a * b);
        InProcessWorld.Run(5, world =>
        {
            Matrix2[] data = [.. all[world.Rank]];
            world.Allreduce(data, ReduceOp.Create<Matrix2>((a, b) => a * b, commutative: false), algorithm);
            Assert.Equal(expected, data);
        });
    }

    [Fact]
    public void ScalarFormReturnsTheTotal()
    {
        int[] totals = InProcessWorld.Run(6, world => world.Allreduce(world.Rank + 1, ReduceOp.Sum));
        Assert.All(totals, t => Assert.Equal(21, t));
    }

    [Fact]
    public void SpanFormsWorkOnSlices()
    {
        InProcessWorld.Run(3, world =>
        {
            var buffer = new long[10];
            buffer.AsSpan(2, 5).Fill(world.Rank + 1);
            world.Allreduce(buffer.AsSpan(2, 5), ReduceOp.Prod);
            Assert.Equal([0, 0, 6, 6, 6, 6, 6, 0, 0, 0], buffer);
        });
    }

    [Fact]
    public void AutoSelectionFollowsTheSizeOfTheVector()
    {
        InProcessWorld.Run(4, world =>
        {
            Assert.Equal(AllreduceAlgorithm.RecursiveDoubling, world.SelectAllreduceAlgorithm<float>(16, ReduceOp.Sum));
            Assert.Equal(AllreduceAlgorithm.Rabenseifner, world.SelectAllreduceAlgorithm<float>(16_384, ReduceOp.Sum));
            Assert.Equal(AllreduceAlgorithm.Ring, world.SelectAllreduceAlgorithm<float>(1 << 20, ReduceOp.Sum));
            Assert.Equal(AllreduceAlgorithm.Tree, world.SelectAllreduceAlgorithm<float>(1 << 20, ReduceOp.Sum, AllreduceAlgorithm.Tree));
            foreach (int count in new[] { 3, 16_384, 1 << 18 })
            {
                // Auto really runs: all sizes give the right total.
                var data = new int[count];
                data.AsSpan().Fill(1);
                world.Allreduce(data, ReduceOp.Sum);
                Assert.All(data, x => Assert.Equal(4, x));
            }
        });
    }
}
