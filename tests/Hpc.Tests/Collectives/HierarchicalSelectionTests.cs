using Hpc.Collectives;
using Xunit;

namespace Hpc.Tests.Collectives;

/// <summary>The selection table's node-aware rows: hierarchical exactly where it helps and can run, forced or not.</summary>
public class HierarchicalSelectionTests
{
    private static readonly Collective[] NodeAwareCollectives =
        [Collective.Allreduce, Collective.Broadcast, Collective.Reduce, Collective.Allgather, Collective.Barrier];

    private static string Select(Collective collective, long bytes, CollectiveTopology topology, bool commutative = true, int requested = 0,
        CollectiveConfiguration? configuration = null) =>
        AlgorithmNames.ValidNames(collective)[AlgorithmSelector.Select(requested, new SelectionInput(collective, bytes, commutative, topology),
            configuration ?? CollectiveConfiguration.BuiltIn) - 1];

    [Fact]
    public void HierarchicalIsChosenExactlyWhenSeveralHostsAndAHostWithSeveralRanks()
    {
        foreach (Collective collective in NodeAwareCollectives)
        {
            foreach (long bytes in new long[] { 0, 8, 2048, 65536, 1 << 20, 1 << 24 })
            {
                foreach ((int ranks, int perHost, int hosts) in new[] { (4, 2, 2), (6, 2, 3), (6, 3, 3), (64, 8, 8), (3, 1, 3), (4, 4, 1), (1, 1, 1), (2, 1, 2) })
                {
                    bool expected = hosts > 1 && perHost > 1;
                    // Large broadcasts go through the hosts as one chain instead (each link carries the message once).
                    string nodeAware = collective == Collective.Broadcast && bytes >= SelectionTable.ChainAcrossHostsBytes
                        && ranks <= SelectionTable.ChainAcrossHostsMaxRanks ? "chain" : "hierarchical";
                    var topology = new CollectiveTopology(ranks, perHost, hosts, HasSharedArea: false);
                    string chosen = Select(collective, bytes, topology);
                    Assert.True(expected ? chosen == nodeAware : chosen != "hierarchical", $"{collective} {bytes} B, {ranks} ranks, {perHost}/host, {hosts} hosts: {chosen}");
                    // Non-blocking calls never run node-aware, forced or not.
                    Assert.NotEqual("hierarchical", Select(collective, bytes, topology.ForNonBlocking));
                    Assert.NotEqual("hierarchical", Select(collective, bytes, topology.ForNonBlocking, requested: AlgorithmValue(collective)));
                    // Nor do the host and leader parts the algorithms run on.
                    Assert.NotEqual("hierarchical", Select(collective, bytes, topology with { HierarchyAllowed = false }, requested: AlgorithmValue(collective)));
                }
            }
        }
        // The other collectives have no node-aware algorithm.
        Assert.DoesNotContain("hierarchical", AlgorithmNames.ValidNames(Collective.Alltoall));
    }

    [Fact]
    public void LargeBroadcastsAcrossHostsRunAsAChainUpToItsRankLimit()
    {
        var threeByTwo = new CollectiveTopology(6, 2, 3, HasSharedArea: false);
        Assert.Equal("hierarchical", Select(Collective.Broadcast, SelectionTable.ChainAcrossHostsBytes - 1, threeByTwo));
        Assert.Equal("chain", Select(Collective.Broadcast, SelectionTable.ChainAcrossHostsBytes, threeByTwo));
        var many = new CollectiveTopology(SelectionTable.ChainAcrossHostsMaxRanks + 1, 13, 5, HasSharedArea: false);
        Assert.Equal("hierarchical", Select(Collective.Broadcast, 1 << 24, many));
        // Non-blocking across hosts: the flat table, where 3-7 ranks take the chain from 256 KiB.
        Assert.Equal("chain", Select(Collective.Broadcast, SelectionTable.ChainBroadcastBytes, threeByTwo.ForNonBlocking));
        Assert.Equal("binomial", Select(Collective.Broadcast, SelectionTable.ChainBroadcastBytes - 1, threeByTwo.ForNonBlocking));
    }

    [Fact]
    public void NonCommutativeReductionsGoNodeAwareOnlyWhereHostsHoldUnbrokenRankRanges()
    {
        var contiguous = new CollectiveTopology(6, 2, 3, HasSharedArea: false, HostsContiguous: true);
        var interleaved = contiguous with { HostsContiguous = false };
        foreach (Collective collective in new[] { Collective.Allreduce, Collective.Reduce })
        {
            Assert.Equal("hierarchical", Select(collective, 64, contiguous, commutative: false));
            Assert.NotEqual("hierarchical", Select(collective, 64, interleaved, commutative: false));
            Assert.NotEqual("hierarchical", Select(collective, 64, interleaved, commutative: false, requested: AlgorithmValue(collective)));
            Assert.Equal("hierarchical", Select(collective, 64, interleaved, commutative: true));
        }
        // Collectives that do not reduce (always "commutative") are indifferent to the order.
        Assert.Equal("hierarchical", Select(Collective.Allgather, 64, interleaved));
        Assert.Equal("hierarchical", Select(Collective.Broadcast, 64, interleaved));
    }

    [Fact]
    public void HpcCollForcesFlatOrHierarchical()
    {
        var topology = new CollectiveTopology(6, 2, 3, HasSharedArea: false);
        var flat = new CollectiveConfiguration(CollectiveOverrides.Parse("allreduce=ring,bcast=binomial,barrier=dissemination"), TuningTable.Empty);
        Assert.Equal("ring", Select(Collective.Allreduce, 8, topology, configuration: flat));
        Assert.Equal("binomial", Select(Collective.Broadcast, 1 << 20, topology, configuration: flat));
        Assert.Equal("dissemination", Select(Collective.Barrier, 0, topology, configuration: flat));
        Assert.Equal("hierarchical", Select(Collective.Reduce, 8, topology, configuration: flat));

        var node = new CollectiveConfiguration(CollectiveOverrides.Parse("allreduce=hierarchical,allgather=Hierarchical"), TuningTable.Empty);
        var onePerHost = new CollectiveTopology(3, 1, 3, HasSharedArea: false);
        Assert.Equal("hierarchical", Select(Collective.Allreduce, 8, onePerHost, configuration: node));
        Assert.Equal("hierarchical", Select(Collective.Allgather, 8, onePerHost, configuration: node));
        Assert.NotEqual("hierarchical", Select(Collective.Broadcast, 8, onePerHost, configuration: node));
        // On one host it gives way to the table: shared memory where there is an area.
        var sharedHost = new CollectiveTopology(4, 4, 1, HasSharedArea: true);
        Assert.Equal("shared_memory", Select(Collective.Allreduce, 8, sharedHost, configuration: node));
        // A per-call algorithm beats HPC_COLL.
        Assert.Equal("tree", Select(Collective.Allreduce, 8, topology, requested: (int)AllreduceAlgorithm.Tree, configuration: node));
        Assert.Equal(AllreduceAlgorithm.Hierarchical, AlgorithmNames.Parse<AllreduceAlgorithm>("hierarchical"));
        Assert.Equal("hierarchical", AlgorithmNames.Of(BarrierAlgorithm.Hierarchical));
    }

    [Fact]
    public void TopologyTellsUnbrokenHostRangesFromInterleavedOnes()
    {
        string[] hosts = ["a", "a", "b", "b", "b", "a", "c"];
        Assert.True(CollectiveTopology.Of([0, 1, 2, 3, 4], hosts, hasSharedArea: false).HostsContiguous);
        Assert.False(CollectiveTopology.Of([0, 1, 2, 3, 4, 5], hosts, hasSharedArea: false).HostsContiguous);
        Assert.True(CollectiveTopology.Of([2, 3, 6], hosts, hasSharedArea: false).HostsContiguous);
        Assert.False(CollectiveTopology.Of([0, 2, 5], hosts, hasSharedArea: false).HostsContiguous);
        Assert.True(CollectiveTopology.Of([0, 2, 5], hosts, hasSharedArea: false).SpansHostsWithSharing);
        Assert.False(CollectiveTopology.Of([0, 2, 6], hosts, hasSharedArea: false).SpansHostsWithSharing);
    }

    private static int AlgorithmValue(Collective collective) => collective switch
    {
        Collective.Allreduce => (int)AllreduceAlgorithm.Hierarchical,
        Collective.Broadcast => (int)BroadcastAlgorithm.Hierarchical,
        Collective.Reduce => (int)ReduceAlgorithm.Hierarchical,
        Collective.Allgather => (int)AllgatherAlgorithm.Hierarchical,
        Collective.Barrier => (int)BarrierAlgorithm.Hierarchical,
        _ => throw new ArgumentException(collective.ToString()),
    };
}
