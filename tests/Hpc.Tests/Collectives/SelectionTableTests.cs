using Hpc.Collectives;
using Xunit;

namespace Hpc.Tests.Collectives;

/// <summary>The one selection path: shared-memory choices, topology and the completeness of the table.</summary>
public class SelectionTableTests
{
    private static readonly CollectiveTopology SharedWorld = new(Ranks: 4, RanksPerHost: 4, Hosts: 1, HasSharedArea: true);

    private static int Select(Collective collective, long bytes, CollectiveTopology topology, int requested = 0,
        CollectiveConfiguration? configuration = null, bool commutative = true) =>
        AlgorithmSelector.Select(requested, new SelectionInput(collective, bytes, commutative, topology), configuration ?? CollectiveConfiguration.BuiltIn);

    [Fact]
    public void ASharedAreaMakesTheSharedMemoryAlgorithmsTheDefault()
    {
        Assert.Equal((int)AllreduceAlgorithm.SharedMemory, Select(Collective.Allreduce, 1 << 20, SharedWorld));
        Assert.Equal((int)BroadcastAlgorithm.SharedMemory, Select(Collective.Broadcast, 1 << 20, SharedWorld));
        Assert.Equal((int)BarrierAlgorithm.SharedMemory, Select(Collective.Barrier, 0, SharedWorld));
        // Collectives without a shared-memory algorithm are unaffected.
        Assert.Equal((int)GatherAlgorithm.Linear, Select(Collective.Gather, 100, SharedWorld));
    }

    [Fact]
    public void TwoRanksBroadcastLargeMessagesDirectly()
    {
        CollectiveTopology pair = SharedWorld with { Ranks = 2, RanksPerHost = 2 };
        Assert.Equal((int)BroadcastAlgorithm.SharedMemory, Select(Collective.Broadcast, SelectionTable.DirectBroadcastBytes - 1, pair));
        Assert.Equal((int)BroadcastAlgorithm.Binomial, Select(Collective.Broadcast, SelectionTable.DirectBroadcastBytes, pair));
        Assert.Equal((int)BroadcastAlgorithm.SharedMemory, Select(Collective.Broadcast, SelectionTable.DirectBroadcastBytes, SharedWorld));
    }

    [Fact]
    public void NonBlockingCallsNeverGetTheSharedArea()
    {
        CollectiveTopology nonBlocking = SharedWorld.ForNonBlocking;
        Assert.False(nonBlocking.HasSharedArea);
        Assert.Equal((int)AllreduceAlgorithm.Ring, Select(Collective.Allreduce, 1 << 20, nonBlocking));
        Assert.Equal((int)BarrierAlgorithm.Dissemination, Select(Collective.Barrier, 0, nonBlocking));
        // Even when forced: the table's choice runs instead.
        Assert.Equal((int)AllreduceAlgorithm.Ring, Select(Collective.Allreduce, 1 << 20, nonBlocking, (int)AllreduceAlgorithm.SharedMemory));
    }

    [Fact]
    public void OverridesBeatTheSharedAreaAndGiveWayWhereTheyCannotRun()
    {
        var ring = new CollectiveConfiguration(CollectiveOverrides.Parse("allreduce=ring,barrier=dissemination"), TuningTable.Empty);
        Assert.Equal((int)AllreduceAlgorithm.Ring, Select(Collective.Allreduce, 8, SharedWorld, configuration: ring));
        Assert.Equal((int)BarrierAlgorithm.Dissemination, Select(Collective.Barrier, 0, SharedWorld, configuration: ring));
        Assert.Equal((int)AllreduceAlgorithm.Tree, Select(Collective.Allreduce, 8, SharedWorld, (int)AllreduceAlgorithm.Tree, ring));

        var shared = new CollectiveConfiguration(CollectiveOverrides.Parse("allreduce=shared_memory,bcast=shared_memory"), TuningTable.Empty);
        Assert.Equal((int)AllreduceAlgorithm.SharedMemory, Select(Collective.Allreduce, 8, SharedWorld, configuration: shared));
        CollectiveTopology apart = CollectiveTopology.Unshared(4);
        Assert.Equal((int)AllreduceAlgorithm.RecursiveDoubling, Select(Collective.Allreduce, 8, apart, configuration: shared));
        Assert.Equal((int)BroadcastAlgorithm.Binomial, Select(Collective.Broadcast, 8, apart, configuration: shared));
    }

    [Fact]
    public void EveryCollectiveResolvesToAConcreteAlgorithmEverywhere()
    {
        foreach (Collective collective in Enum.GetValues<Collective>())
        {
            foreach (int ranks in new[] { 1, 2, 3, 8, 11, 61, 64 })
            {
                foreach (long bytes in new long[] { 0, 255, 256, 2048, 12 * 1024, 81920, 524288, 1 << 24 })
                {
                    foreach (bool shared in new[] { false, true })
                    {
                        foreach (bool commutative in new[] { false, true })
                        {
                            int chosen = Select(collective, bytes, new CollectiveTopology(ranks, ranks, 1, shared), commutative: commutative);
                            Assert.InRange(chosen, 1, AlgorithmNames.ValidNames(collective).Count);
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void TopologyCountsHostsAndTheFullestHost()
    {
        string[] hosts = ["a", "a", "b", "a", "c"];
        Assert.Equal(new CollectiveTopology(5, 3, 3, false, HostsContiguous: false), CollectiveTopology.Of([0, 1, 2, 3, 4], hosts, hasSharedArea: false));
        Assert.Equal(new CollectiveTopology(2, 1, 2, false), CollectiveTopology.Of([2, 4], hosts, hasSharedArea: false));
        Assert.Equal(new CollectiveTopology(3, 3, 1, true), CollectiveTopology.Of([0, 1, 3], hosts, hasSharedArea: true));
    }

    [Fact]
    public void ACommunicatorWorksOutItsTopologyOnce()
    {
        InProcessWorld.Run(3, world =>
        {
            Assert.Equal(new CollectiveTopology(3, 3, 1, false), world.Topology);
            using Communicator? pair = world.Split(world.Rank == 2 ? 1 : 0, 0);
            Assert.Equal(world.Rank == 2 ? 1 : 2, pair!.Topology.Ranks);
            // Three ranks exchange small vectors directly; the pair of two doubles.
            Assert.Equal("direct", world.AlgorithmFor(Collective.Allreduce, 8));
            if (world.Rank != 2)
                Assert.Equal("recursive_doubling", pair.AlgorithmFor(Collective.Allreduce, 8));
        });
    }
}
