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
        bool hung = false;
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
            {
                if (!t.Join(TimeSpan.FromSeconds(60)))
                {
                    // The areas stay allocated: the hung threads still read them.
                    hung = true;
                    Assert.Fail($"a rank hung; failures: {string.Join("; ", failures.Where(f => f is not null).Select(f => f!.Message))}");
                }
            }
            Assert.All(failures, f => Assert.Null(f));
        }
        finally
        {
            if (!hung)
            {
                foreach (byte* area in areas)
                    NativeMemory.Free(area);
            }
        }
    }

    [Fact]
    public void ARankKeptWaitingPastItsPollingSleepsAndIsWokenByEveryPublish()
    {
        // Rank 0 publishes each step (and each small collective) only after a pause longer than a
        // wait polls, so rank 1 falls asleep on the futex every time; it must see every value, and
        // nobody may stay counted as a sleeper once the waits are over.
        const int Rounds = 20;
        var sleepers = new int[2];
        using var allWaitsOver = new Barrier(2);
        RunRanks(2, area =>
        {
            for (int i = 1; i <= Rounds; i++)
            {
                if (area.Rank == 0)
                {
                    Thread.Sleep(3);
                    long step = area.BeginStep();
                    area.OwnBuffer(step, sizeof(int)).Fill((byte)i);
                    area.Publish(step);
                    long sequence = area.BeginSmall(writes: true);
                    area.OwnSlot(sequence, 1)[0] = (byte)(100 + i);
                    area.PublishSlot(sequence);
                    area.EndSmall(sequence);
                }
                else
                {
                    long step = area.BeginStep();
                    area.WaitFor(0, step);
                    Assert.Equal((byte)i, area.BufferOf(0, step, sizeof(int))[3]);
                    area.Publish(step);
                    long sequence = area.BeginSmall(writes: false);
                    Assert.Equal((byte)(100 + i), area.SlotOf(0, sequence, 1)[0]);
                    area.EndSmall(sequence);
                }
            }
            area.WaitForAll(Rounds);
            // A rank woken by the other's last publish may not have left its sleep yet (its count
            // drops on the way out), so both ranks finish every wait before either counts sleepers.
            Assert.True(allWaitsOver.SignalAndWait(TimeSpan.FromSeconds(30)), "the other rank never finished its waits");
            sleepers[area.Rank] = area.Sleepers;
        });
        Assert.Equal([0, 0], sleepers);
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

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void BackToBackSmallBroadcastsFromRotatingRootsArriveIntactAndInOrder(int n)
    {
        // Many laps over the slots with no barrier in between, and one root for 150 rounds at a
        // time, so the root runs ahead of its readers until the window is full; one reader is
        // slow now and then so the root must wait for it. Every 50th broadcast is one byte over
        // the slot limit, so slots and the stepped buffers interleave.
        int[] sizes = [1, 7, 64, 1000, SharedCollectiveArea.SlotPayloadBytes];
        RunRanks(n, area =>
        {
            for (int round = 0; round < 3000; round++)
            {
                int root = round / 150 % n;
                int size = round % 50 == 49 ? SharedCollectiveArea.SlotPayloadBytes + 1 : sizes[round % sizes.Length];
                byte[] data = new byte[size];
                if (area.Rank == root)
                {
                    for (int i = 0; i < size; i++)
                        data[i] = (byte)(round * 31 + i);
                }
                SharedMemoryBroadcast.Run(area, data.AsSpan(), root);
                for (int i = 0; i < size; i++)
                {
                    if (data[i] != (byte)(round * 31 + i))
                        Assert.Fail($"rank {area.Rank}, round {round} (root {root}, {size} B): byte {i} is {data[i]}");
                }
                if (area.Rank == 1 && round % 97 == 0)
                    Thread.Sleep(1);
                if (round % 500 == 499)
                    SharedMemoryBarrier.Run(area);
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
