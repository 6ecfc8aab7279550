using Hpc.Collectives;
using Hpc.Collectives.Hierarchical;
using Xunit;
using static Hpc.Tests.Collectives.CollectiveTestData;

namespace Hpc.Tests.Collectives;

/// <summary>
/// The node-aware collectives with ranks as threads pretending to live on several hosts: every
/// result against a sequential reference, every root, small and multi-segment sizes, and which
/// family actually ran (a node-aware call builds the communicator's host and leader parts).
/// </summary>
public class HierarchicalCollectiveTests
{
    /// <summary>More than <see cref="NodeHierarchy.SegmentBytes"/> of ints: three segments, the last one short.</summary>
    private static readonly int LargeCount = 2 * NodeHierarchy.SegmentLength<int>() + 1234;

    private static readonly ReduceOp MatrixOp = ReduceOp.Create<Matrix2, MatrixProduct>(commutative: false);

    /// <summary>Layouts by name, so test names read well; each one's host of every rank.</summary>
    private static string[] Hosts(string layout) => layout switch
    {
        "2x2" => ["a", "a", "b", "b"],
        "3x2" => ["a", "a", "b", "b", "c", "c"],
        "3+1+2" => ["a", "a", "a", "b", "c", "c"],
        "interleaved" => ["a", "b", "a", "b"],
        "interleaved uneven" => ["a", "b", "a", "c", "b", "a", "a"],
        "one per host" => ["a", "b", "c"],
        "one host" => ["a", "a", "a", "a"],
        _ => throw new ArgumentException(layout),
    };

    /// <summary>Whether Auto should run node-aware on <paramref name="layout"/>: several hosts, one holding several ranks.</summary>
    private static bool NodeAware(string layout) => layout is not ("one per host" or "one host");

    private static readonly string[] AllLayouts = ["2x2", "3x2", "3+1+2", "interleaved", "interleaved uneven", "one per host", "one host"];

    public static TheoryData<string> Layouts() => new(AllLayouts);

    public static TheoryData<string, bool> LayoutsAndSizes()
    {
        var data = new TheoryData<string, bool>();
        foreach (string layout in AllLayouts)
        {
            data.Add(layout, false);
            data.Add(layout, true);
        }
        return data;
    }

    private static void Run(string layout, Action<Communicator> body) =>
        InProcessWorld.Run(Hosts(layout).Length, body, hosts: Hosts(layout), timeout: TimeSpan.FromSeconds(120));

    [Theory]
    [MemberData(nameof(Layouts))]
    public void AutoPicksHierarchicalExactlyWhereAHostHoldsSeveralRanksOfSeveralHosts(string layout)
    {
        string expected = NodeAware(layout) ? "hierarchical" : "not hierarchical";
        Run(layout, world =>
        {
            foreach (Collective collective in new[] { Collective.Allreduce, Collective.Broadcast, Collective.Reduce, Collective.Allgather, Collective.Barrier })
            {
                foreach (long bytes in new long[] { 4, 64 * 1024, 4 << 20 })
                {
                    string chosen = world.AlgorithmFor(collective, bytes);
                    // Large broadcasts go through the hosts as one chain instead.
                    string nodeAware = collective == Collective.Broadcast && bytes >= SelectionTable.ChainAcrossHostsBytes ? "chain" : "hierarchical";
                    Assert.True(NodeAware(layout) ? chosen == nodeAware : chosen != "hierarchical", $"{collective} {bytes} B on {layout}: {chosen}, expected {expected}");
                }
            }
            // Collectives without a node-aware algorithm keep their flat choice.
            Assert.NotEqual("hierarchical", world.AlgorithmFor(Collective.Alltoall, 64));
            world.Allreduce(world.Rank, ReduceOp.Sum);
            Assert.Equal(NodeAware(layout), world.HasHierarchy);
        });
    }

    [Theory]
    [MemberData(nameof(LayoutsAndSizes))]
    public void AllreduceMatchesTheReferenceAndIsBitIdentical(string layout, bool large)
    {
        int size = Hosts(layout).Length;
        int count = large ? LargeCount : 1000;
        int[][] ints = [.. Enumerable.Range(0, size).Select(r => Ints(1, r, count))];
        int[] expectedSum = Reduce(ints, (a, b) => a + b);
        int[] expectedMax = Reduce(ints, Math.Max);
        var floats = new float[size][];
        Run(layout, world =>
        {
            int[] data = [.. ints[world.Rank]];
            world.Allreduce(data, ReduceOp.Sum);
            Assert.Equal(expectedSum, data);

            int[] maxima = new int[count];
            world.Allreduce(ints[world.Rank], maxima, ReduceOp.Max);
            Assert.Equal(expectedMax, maxima);

            // One element: the smallest call, and a scalar form.
            Assert.Equal(Enumerable.Range(1, size).Sum(), world.Allreduce(world.Rank + 1, ReduceOp.Sum));

            float[] values = Floats(2, world.Rank, count);
            world.Allreduce(values, ReduceOp.Sum);
            floats[world.Rank] = values;
            Assert.Equal(NodeAware(layout), world.HasHierarchy);
        });
        Assert.All(floats, f => Assert.True(SameBits(floats[0], f), "float allreduce results differ between ranks"));
    }

    [Theory]
    [MemberData(nameof(LayoutsAndSizes))]
    public void BroadcastFromEveryRootReachesEveryRank(string layout, bool large)
    {
        int size = Hosts(layout).Length;
        int count = large ? LargeCount : 777;
        Run(layout, world =>
        {
            for (int root = 0; root < size; root++)
            {
                int[] expected = Ints(10 + root, root, count);
                int[] data = world.Rank == root ? [.. expected] : new int[count];
                world.Broadcast(data, root);
                Assert.Equal(expected, data);
            }
            Assert.Equal(42, world.Broadcast(world.Rank == size - 1 ? 42 : -1, size - 1));
        });
    }

    [Theory]
    [MemberData(nameof(LayoutsAndSizes))]
    public void ReduceToEveryRootMatchesTheReference(string layout, bool large)
    {
        int size = Hosts(layout).Length;
        int count = large ? LargeCount : 500;
        int[][] ints = [.. Enumerable.Range(0, size).Select(r => Ints(3, r, count))];
        int[] expected = Reduce(ints, (a, b) => a + b);
        Run(layout, world =>
        {
            for (int root = 0; root < size; root++)
            {
                int[] result = world.Rank == root ? new int[count] : [];
                world.Reduce(ints[world.Rank], result, ReduceOp.Sum, root);
                if (world.Rank == root)
                    Assert.Equal(expected, result);

                // In place at the root: its own contribution is replaced by the result.
                int[] data = [.. ints[world.Rank]];
                world.Reduce(data, ReduceOp.Sum, root);
                Assert.Equal(world.Rank == root ? expected : ints[world.Rank], data);
            }
        });
    }

    [Theory]
    [InlineData("2x2", true)]
    [InlineData("3+1+2", true)]
    [InlineData("interleaved", false)]
    [InlineData("interleaved uneven", false)]
    public void NonCommutativeReductionsKeepRankOrderAndLeaveInterleavedHostsToFlatAlgorithms(string layout, bool nodeAware)
    {
        // Node-aware combines host by host; that is rank order only when hosts hold unbroken
        // rank ranges. Interleaved hosts must fall back to a flat, rank-ordered algorithm.
        int size = Hosts(layout).Length;
        foreach (int count in new[] { 3, 2 * NodeHierarchy.SegmentLength<Matrix2>() + 5 })
        {
            Matrix2[][] inputs = [.. Enumerable.Range(0, size).Select(r => Matrices(4, r, count))];
            Matrix2[] expected = Reduce(inputs, (a, b) => a * b);
            Run(layout, world =>
            {
                Assert.Equal(nodeAware, world.SelectAllreduceAlgorithm<Matrix2>(count, MatrixOp) == AllreduceAlgorithm.Hierarchical);
                Assert.Equal(nodeAware, world.AlgorithmFor(Collective.Reduce, 16, commutative: false) == "hierarchical");
                // Forcing it does not break the order either: it gives way where it would.
                foreach (AllreduceAlgorithm algorithm in new[] { AllreduceAlgorithm.Auto, AllreduceAlgorithm.Hierarchical })
                {
                    Matrix2[] data = [.. inputs[world.Rank]];
                    world.Allreduce(data, MatrixOp, algorithm);
                    Assert.Equal(expected, data);
                }
                foreach (int root in new[] { 0, size - 1, 1 })
                {
                    Matrix2[] result = world.Rank == root ? new Matrix2[count] : [];
                    world.Reduce(inputs[world.Rank], result, MatrixOp, root, ReduceAlgorithm.Hierarchical);
                    if (world.Rank == root)
                        Assert.Equal(expected, result);
                }
                Assert.Equal(nodeAware, world.HasHierarchy);
            });
        }
    }

    [Theory]
    [MemberData(nameof(LayoutsAndSizes))]
    public void AllgatherAndAllgathervPlaceEveryBlock(string layout, bool large)
    {
        int size = Hosts(layout).Length;
        int block = large ? LargeCount / size : 13;
        Run(layout, world =>
        {
            int[][] blocks = [.. Enumerable.Range(0, size).Select(r => Ints(5, r, block))];
            int[] expected = [.. blocks.SelectMany(b => b)];
            int[] result = new int[block * size];
            world.Allgather(blocks[world.Rank], result);
            Assert.Equal(expected, result);
            Assert.Equal(Enumerable.Range(0, size).Select(r => r * 10).ToArray(), world.Allgather(world.Rank * 10));

            // Allgatherv: different counts (one empty), blocks placed in reverse rank order with gaps.
            int[] counts = [.. Enumerable.Range(0, size).Select(r => r == 1 ? 0 : block + r)];
            var displacements = new int[size];
            int at = 0;
            for (int r = size - 1; r >= 0; r--)
            {
                displacements[r] = at;
                at += counts[r] + 2;
            }
            int[][] pieces = [.. Enumerable.Range(0, size).Select(r => Ints(6, r, counts[r]))];
            int[] spread = Enumerable.Repeat(-7, at).ToArray();
            world.Allgatherv(pieces[world.Rank], spread, counts, displacements);
            for (int r = 0; r < size; r++)
                Assert.Equal(pieces[r], spread.AsSpan(displacements[r], counts[r]).ToArray());
            Assert.Equal(-7, spread[displacements[0] + counts[0]]); // the gaps are untouched
        });
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void BarrierReleasesNoRankBeforeEveryRankHasArrived(string layout)
    {
        int size = Hosts(layout).Length;
        const int rounds = 30;
        var arrived = new int[rounds];
        var early = new int[rounds];
        Run(layout, world =>
        {
            for (int round = 0; round < rounds; round++)
            {
                // The last ranks dawdle, so an early release would be seen.
                if (world.Rank >= size - 2 && round % 3 == 0)
                    Thread.Sleep(2);
                Interlocked.Increment(ref arrived[round]);
                world.Barrier();
                if (Volatile.Read(ref arrived[round]) != size)
                    Interlocked.Increment(ref early[round]);
            }
        });
        Assert.All(early, e => Assert.Equal(0, e));
    }

    [Fact]
    public void FlatAlgorithmsCanBeForcedAndHierarchicalRunsEvenWithOneRankPerHost()
    {
        int[][] inputs = [.. Enumerable.Range(0, 6).Select(r => Ints(7, r, 3000))];
        int[] expected = Reduce(inputs, (a, b) => a + b);
        InProcessWorld.Run(6, world =>
        {
            int[] data = [.. inputs[world.Rank]];
            world.Allreduce(data, ReduceOp.Sum, AllreduceAlgorithm.Ring);
            Assert.Equal(expected, data);
            Assert.False(world.HasHierarchy);
            data = [.. inputs[world.Rank]];
            world.Allreduce(data, ReduceOp.Sum);
            Assert.Equal(expected, data);
            Assert.True(world.HasHierarchy);
        }, hosts: ["a", "a", "a", "b", "b", "b"]);

        // One rank per host: Auto stays flat, but forcing runs the degenerate hierarchy correctly.
        InProcessWorld.Run(3, world =>
        {
            int[] data = [.. inputs[world.Rank]];
            world.Allreduce(data, ReduceOp.Sum);
            Assert.False(world.HasHierarchy);
            world.Allreduce(data, ReduceOp.Sum, AllreduceAlgorithm.Hierarchical);
            Assert.True(world.HasHierarchy);
            int[] twice = Reduce(inputs[..3], (a, b) => a + b).Select(v => v * 3).ToArray();
            Assert.Equal(twice, data);
        }, hosts: ["a", "b", "c"]);

        // One host: forcing gives way to the table (there is nothing to split).
        InProcessWorld.Run(3, world =>
        {
            int[] data = [.. inputs[world.Rank]];
            world.Allreduce(data, ReduceOp.Sum, AllreduceAlgorithm.Hierarchical);
            Assert.Equal(Reduce(inputs[..3], (a, b) => a + b), data);
            Assert.False(world.HasHierarchy);
        });
    }

    [Fact]
    public void NonBlockingCollectivesStayFlatAndStillWorkAcrossHosts()
    {
        string[] hosts = ["a", "a", "b", "b", "b"];
        InProcessWorld.Run(hosts.Length, world =>
        {
            int[] data = [world.Rank, 1];
            Task allreduce = world.AllreduceAsync(data, ReduceOp.Sum);
            int[] message = world.Rank == 3 ? [5, 6, 7] : new int[3];
            Request bcast = world.Ibcast(message, 3);
            Request barrier = world.Ibarrier();
            allreduce.Wait();
            bcast.Wait();
            barrier.Wait();
            Assert.Equal([10, 5], data);
            Assert.Equal([5, 6, 7], message);
            // None of them built the host parts: they ran flat.
            Assert.False(world.HasHierarchy);
            // A blocking call in between and after still runs node-aware.
            Assert.Equal(5, world.Allreduce(1, ReduceOp.Sum));
            Assert.True(world.HasHierarchy);
            int[] gathered = new int[5];
            world.AllgatherAsync<int>(new[] { world.Rank }, gathered).Wait();
            Assert.Equal([0, 1, 2, 3, 4], gathered);
        }, hosts: hosts);
    }

    [Fact]
    public void SplitAndDupCommunicatorsRunNodeAwareOnTheirOwnParts()
    {
        // 8 ranks on 2 hosts; the even ranks (4 of them, 2 per host) form a communicator that
        // spans both hosts, the odd ones another; a Dup of the world works alongside.
        string[] hosts = ["a", "a", "a", "a", "b", "b", "b", "b"];
        InProcessWorld.Run(hosts.Length, world =>
        {
            using Communicator half = world.Split(world.Rank % 2, world.Rank)!;
            using Communicator copy = world.Dup();
            Assert.Equal("hierarchical", half.AlgorithmFor(Collective.Allreduce, 8));
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(Enumerable.Range(0, 8).Where(r => r % 2 == world.Rank % 2).Sum(), half.Allreduce(world.Rank, ReduceOp.Sum));
                Assert.Equal(28, copy.Allreduce(world.Rank, ReduceOp.Sum));
                Assert.Equal(28, world.Allreduce(world.Rank, ReduceOp.Sum));
                half.Barrier();
                Assert.Equal(world.Rank % 2 + 6, half.Broadcast(world.Rank, half.Size - 1));
            }
            Assert.True(half.HasHierarchy && copy.HasHierarchy && world.HasHierarchy);
            // Each part has its own contexts: none is shared with another communicator of this rank.
            int[] contexts = [world.Context, copy.Context, half.Context, half.Hierarchy.Host.Context, copy.Hierarchy.Host.Context, world.Hierarchy.Host.Context];
            Assert.Equal(contexts.Length, contexts.Distinct().Count());
        }, hosts: hosts);
    }

    [Fact]
    public void CollectiveCheckingSeesNodeAwareCallsAlike()
    {
        InProcessWorld.Run(4, world =>
        {
            int[] data = [world.Rank];
            world.Allreduce(data, ReduceOp.Sum);
            world.Broadcast(data, 2);
            world.Reduce(data, ReduceOp.Sum, 1);
            world.Barrier();
            Assert.Equal([0, 1, 2, 3], world.Allgather(world.Rank));
        }, checkCollectives: true, hosts: ["a", "a", "b", "b"]);
    }
}
