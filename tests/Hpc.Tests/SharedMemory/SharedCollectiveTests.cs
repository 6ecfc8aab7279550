using System.Runtime.InteropServices;
using Hpc.Collectives.SharedMemory;
using Xunit;

namespace Hpc.Tests.SharedMemory;

/// <summary>The shared-memory collectives with ranks as threads over areas in one process's memory.</summary>
public unsafe class SharedCollectiveTests
{
    private static void RunRanks(int n, Action<SharedCollectiveArea> body)
    {
        var areas = new byte*[n];
        for (int r = 0; r < n; r++)
            areas[r] = (byte*)NativeMemory.AllocZeroed((nuint)SharedCollectiveArea.BytesPerRank);
        try
        {
            var failures = new Exception?[n];
            var threads = Enumerable.Range(0, n).Select(r => new Thread(() =>
            {
                try
                {
                    body(new SharedCollectiveArea(areas, r, oversubscribed: true));
                }
                catch (Exception e)
                {
                    failures[r] = e;
                }
            })).ToArray();
            foreach (Thread t in threads)
                t.Start();
            foreach (Thread t in threads)
                Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a rank hung");
            Assert.All(failures, f => Assert.Null(f));
        }
        finally
        {
            foreach (byte* area in areas)
                NativeMemory.Free(area);
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 1000)]
    [InlineData(4, 3)]
    [InlineData(5, 70_001)]      // several chunks, sliced reduction
    [InlineData(8, 200_000)]
    public void AllreduceOfFloatsIsCorrectAndBitIdenticalOnEveryRank(int n, int count)
    {
        var inputs = Enumerable.Range(0, n).Select(r =>
        {
            var random = new Random(100 + r);
            return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 1000 - 500)).ToArray();
        }).ToArray();
        var expected = new float[count];
        for (int i = 0; i < count; i++)
        {
            float sum = inputs[0][i];
            for (int r = 1; r < n; r++)
                sum += inputs[r][i];
            expected[i] = sum;
        }
        var results = new float[n][];
        RunRanks(n, area =>
        {
            float[] data = [.. inputs[area.Rank]];
            SharedMemoryAllreduce.Run(area, data.AsSpan(), ReduceOp.Sum.KernelFor<float>());
            results[area.Rank] = data;
        });
        for (int r = 0; r < n; r++)
            Assert.Equal(expected, results[r]); // exact: rank order 0..n-1, as the reference
    }

    [Fact]
    public void NonCommutativeOperationKeepsRankOrder()
    {
        // Concatenation of digits as a non-commutative operation on small numbers: a∘b = a*10+b.
        ReduceOp<long> concat = ReduceOp.Create<long>((a, b) => a * 10 + b, commutative: false);
        const int n = 5;
        var results = new long[n];
        RunRanks(n, area =>
        {
            long[] data = [area.Rank + 1];
            SharedMemoryAllreduce.Run(area, data.AsSpan(), concat.KernelFor<long>());
            results[area.Rank] = data[0];
        });
        Assert.All(results, v => Assert.Equal(12345L, v));
    }

    [Theory]
    [InlineData(3, 0, 10)]
    [InlineData(4, 2, 300_000)]  // more than one buffer
    public void BroadcastFromAnyRootAndRepeatedCollectivesStayInStep(int n, int root, int count)
    {
        RunRanks(n, area =>
        {
            for (int round = 0; round < 20; round++)
            {
                int[] data = area.Rank == root ? [.. Enumerable.Range(round, count)] : new int[count];
                SharedMemoryBroadcast.Run(area, data.AsSpan(), root);
                for (int i = 0; i < count; i += 997)
                    Assert.Equal(round + i, data[i]);
                SharedMemoryBarrier.Run(area);
                int[] one = [1];
                SharedMemoryAllreduce.Run(area, one.AsSpan(), ReduceOp.Sum.KernelFor<int>());
                Assert.Equal(n, one[0]);
            }
        });
    }

    [Fact]
    public void BooleansAreReducedAsOneByteEach()
    {
        const int n = 3;
        var results = new bool[n][];
        RunRanks(n, area =>
        {
            bool[] data = [true, area.Rank != 1, false, true];
            SharedMemoryAllreduce.Run(area, data.AsSpan(), ReduceOp.LogicalAnd.KernelFor<bool>());
            results[area.Rank] = data;
        });
        Assert.All(results, r => Assert.Equal([true, false, false, true], r));
    }
}
