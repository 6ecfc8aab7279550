using Hpc.Collectives;
using Xunit;

namespace Hpc.Tests.Collectives;

public class AlgorithmSelectionTests
{
    [Fact]
    public void CollectiveOverridesParseCommaSeparatedPairs()
    {
        CollectiveOverrides overrides = CollectiveOverrides.Parse(" allreduce=ring, bcast=binomial ,Reduce_Scatter=Reduce_Then_Scatter");
        Assert.Equal((int)AllreduceAlgorithm.Ring, overrides.For(Collective.Allreduce));
        Assert.Equal((int)BroadcastAlgorithm.Binomial, overrides.For(Collective.Broadcast));
        Assert.Equal((int)ReduceScatterAlgorithm.ReduceThenScatter, overrides.For(Collective.ReduceScatter));
        Assert.Equal(0, overrides.For(Collective.Gather));
        Assert.Equal((int)BroadcastAlgorithm.ScatterAllgather, CollectiveOverrides.Parse("broadcast=scatter_allgather").For(Collective.Broadcast));
        Assert.Equal(0, CollectiveOverrides.Parse("").For(Collective.Allreduce));
        Assert.Equal(0, CollectiveOverrides.Parse(null).For(Collective.Allreduce));
        Assert.Equal((int)AllreduceAlgorithm.RecursiveDoubling, CollectiveOverrides.Parse("allreduce=recursive-doubling").For(Collective.Allreduce));
    }

    [Fact]
    public void AnUnknownAlgorithmListsTheValidOnes()
    {
        var error = Assert.Throws<FormatException>(() => CollectiveOverrides.Parse("allreduce=foo"));
        Assert.Equal("unknown allreduce algorithm 'foo'; valid: ring, tree, recursive_doubling, rabenseifner, shared_memory, hierarchical, direct", error.Message);
    }

    [Fact]
    public void AnUnknownCollectiveListsTheValidOnes()
    {
        var error = Assert.Throws<FormatException>(() => CollectiveOverrides.Parse("allreduce=ring,allreduse=tree"));
        Assert.Equal("unknown collective 'allreduse'; valid: allreduce, bcast, reduce, gather, scatter, allgather, alltoall, reduce_scatter, barrier", error.Message);
    }

    [Theory]
    [InlineData("allreduce")]
    [InlineData("allreduce=")]
    [InlineData("=ring")]
    [InlineData("allreduce=ring,allreduce=tree")]
    public void MalformedOverridesAreRejected(string spec)
    {
        Assert.Throws<FormatException>(() => CollectiveOverrides.Parse(spec));
    }

    [Fact]
    public void TuningFilePicksTheMostSpecificRule()
    {
        TuningTable table = TuningTable.Parse("""
            # written by hpc-bench tune
            allreduce 4  0       recursive_doubling
            allreduce 4  4096    rabenseifner   # medium
            allreduce 4  1048576 ring
            allreduce 16 0       tree

            bcast     2  0       scatter_allgather
            """);
        Assert.Equal(5, table.Rules.Count);
        Assert.Equal((int)AllreduceAlgorithm.RecursiveDoubling, table.Lookup(Collective.Allreduce, 4, 100));
        Assert.Equal((int)AllreduceAlgorithm.Rabenseifner, table.Lookup(Collective.Allreduce, 8, 4096));
        Assert.Equal((int)AllreduceAlgorithm.Ring, table.Lookup(Collective.Allreduce, 15, 1 << 24));
        Assert.Equal((int)AllreduceAlgorithm.Tree, table.Lookup(Collective.Allreduce, 16, 1 << 24));
        Assert.Equal(0, table.Lookup(Collective.Allreduce, 3, 1 << 24)); // no rule for fewer than 4 ranks
        Assert.Equal((int)BroadcastAlgorithm.ScatterAllgather, table.Lookup(Collective.Broadcast, 2, 0));
        Assert.Equal(0, table.Lookup(Collective.Gather, 64, 0));
    }

    [Theory]
    [InlineData("allreduce 4 0", "expected 'collective ranks min_bytes algorithm' but found 3 field(s)")]
    [InlineData("allreduce four 0 ring", "ranks 'four' is not a positive integer")]
    [InlineData("allreduce 4 -1 ring", "min_bytes '-1' is not a non-negative integer")]
    [InlineData("allreduce 4 0 foo", "unknown allreduce algorithm 'foo'; valid: ring, tree, recursive_doubling, rabenseifner, shared_memory, hierarchical, direct")]
    [InlineData("alltoal 4 0 bruck", "unknown collective 'alltoal'")]
    public void TuningFileErrorsNameTheLine(string badLine, string expected)
    {
        var error = Assert.Throws<FormatException>(() => TuningTable.Parse("# header\n" + badLine + "\n", "tune.txt"));
        Assert.StartsWith("tune.txt:2: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void EnvironmentConfigurationNamesTheVariableOnError()
    {
        var error = Assert.Throws<HpcException>(() => CollectiveConfiguration.FromVariables(name => name == "HPC_COLL" ? "bcast=ring" : null));
        Assert.Equal("HPC_COLL='bcast=ring': unknown bcast algorithm 'ring'; valid: binomial, scatter_allgather, shared_memory, hierarchical, chain", error.Message);
        var missing = Assert.Throws<HpcException>(() => CollectiveConfiguration.FromVariables(name => name == "HPC_TUNE_FILE" ? "/nonexistent/tune.txt" : null));
        Assert.StartsWith("HPC_TUNE_FILE:", missing.Message);
    }

    [Fact]
    public void EnvironmentConfigurationReadsBothSources()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hpc-tune-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "allreduce 1 0 tree\nbcast 1 0 scatter_allgather\n");
        try
        {
            CollectiveConfiguration configuration = CollectiveConfiguration.FromVariables(name => name switch
            {
                "HPC_COLL" => "allreduce=ring",
                "HPC_TUNE_FILE" => path,
                _ => null,
            });
            // Per call beats HPC_COLL, which beats the tuning file, which beats the table.
            Assert.Equal(AllreduceAlgorithm.Rabenseifner, AlgorithmSelector.Unshared<AllreduceAlgorithm>(8, 16, AllreduceAlgorithm.Rabenseifner, configuration, commutative: true));
            Assert.Equal(AllreduceAlgorithm.Ring, AlgorithmSelector.Unshared<AllreduceAlgorithm>(8, 16, AllreduceAlgorithm.Auto, configuration, commutative: true));
            Assert.Equal(BroadcastAlgorithm.ScatterAllgather, AlgorithmSelector.Unshared<BroadcastAlgorithm>(8, 16, BroadcastAlgorithm.Auto, configuration));
            Assert.Equal(GatherAlgorithm.Linear, AlgorithmSelector.Unshared<GatherAlgorithm>(8, 16, GatherAlgorithm.Auto, configuration));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BuiltInTableFollowsTheDocumentedThresholds()
    {
        CollectiveConfiguration table = CollectiveConfiguration.BuiltIn;
        Assert.Equal(AllreduceAlgorithm.RecursiveDoubling, AlgorithmSelector.Unshared<AllreduceAlgorithm>(8, 2048, default, table, commutative: true));
        Assert.Equal(AllreduceAlgorithm.Rabenseifner, AlgorithmSelector.Unshared<AllreduceAlgorithm>(8, 2049, default, table, commutative: true));
        Assert.Equal(AllreduceAlgorithm.Ring, AlgorithmSelector.Unshared<AllreduceAlgorithm>(8, 512 * 1024, default, table, commutative: true));
        Assert.Equal(AllreduceAlgorithm.Rabenseifner, AlgorithmSelector.Unshared<AllreduceAlgorithm>(8, 64 << 20, default, table, commutative: false));
        Assert.Equal(AllreduceAlgorithm.RecursiveDoubling, AlgorithmSelector.Unshared<AllreduceAlgorithm>(8, 100, default, table, commutative: false));
        // Three ranks (three hosts' leaders): one direct exchange up to 4 KiB, the ring from 64 KiB (commutative only).
        Assert.Equal(AllreduceAlgorithm.Direct, AlgorithmSelector.Unshared<AllreduceAlgorithm>(3, 4, default, table, commutative: false));
        Assert.Equal(AllreduceAlgorithm.Direct, AlgorithmSelector.Unshared<AllreduceAlgorithm>(3, 4 * 1024, default, table, commutative: true));
        Assert.Equal(AllreduceAlgorithm.Rabenseifner, AlgorithmSelector.Unshared<AllreduceAlgorithm>(3, 4 * 1024 + 1, default, table, commutative: true));
        Assert.Equal(AllreduceAlgorithm.Rabenseifner, AlgorithmSelector.Unshared<AllreduceAlgorithm>(3, 64 * 1024 - 1, default, table, commutative: true));
        Assert.Equal(AllreduceAlgorithm.RecursiveDoubling, AlgorithmSelector.Unshared<AllreduceAlgorithm>(4, 4, default, table, commutative: true));
        Assert.Equal(AllreduceAlgorithm.Ring, AlgorithmSelector.Unshared<AllreduceAlgorithm>(3, 64 * 1024, default, table, commutative: true));
        Assert.Equal(AllreduceAlgorithm.Rabenseifner, AlgorithmSelector.Unshared<AllreduceAlgorithm>(3, 64 * 1024, default, table, commutative: false));
        Assert.Equal(AllreduceAlgorithm.Rabenseifner, AlgorithmSelector.Unshared<AllreduceAlgorithm>(4, 64 * 1024, default, table, commutative: true));

        // 3-7 ranks (hosts' leaders): the chain from 256 KiB, so every rank sends the message once.
        Assert.Equal(BroadcastAlgorithm.Chain, AlgorithmSelector.Unshared<BroadcastAlgorithm>(7, 1 << 24, default, table));
        Assert.Equal(BroadcastAlgorithm.Chain, AlgorithmSelector.Unshared<BroadcastAlgorithm>(3, 256 * 1024, default, table));
        Assert.Equal(BroadcastAlgorithm.Binomial, AlgorithmSelector.Unshared<BroadcastAlgorithm>(3, 256 * 1024 - 1, default, table));
        Assert.Equal(BroadcastAlgorithm.Binomial, AlgorithmSelector.Unshared<BroadcastAlgorithm>(2, 1 << 24, default, table));
        Assert.Equal(BroadcastAlgorithm.Binomial, AlgorithmSelector.Unshared<BroadcastAlgorithm>(8, 12287, default, table));
        Assert.Equal(BroadcastAlgorithm.ScatterAllgather, AlgorithmSelector.Unshared<BroadcastAlgorithm>(8, 12288, default, table));

        Assert.Equal(GatherAlgorithm.Linear, AlgorithmSelector.Unshared<GatherAlgorithm>(8, 100, default, table));
        Assert.Equal(GatherAlgorithm.Binomial, AlgorithmSelector.Unshared<GatherAlgorithm>(11, 100, default, table));
        Assert.Equal(GatherAlgorithm.Linear, AlgorithmSelector.Unshared<GatherAlgorithm>(100, 6001, default, table));
        Assert.Equal(ScatterAlgorithm.Binomial, AlgorithmSelector.Unshared<ScatterAlgorithm>(11, 299, default, table));
        Assert.Equal(ScatterAlgorithm.Linear, AlgorithmSelector.Unshared<ScatterAlgorithm>(11, 300, default, table));

        Assert.Equal(AllgatherAlgorithm.Bruck, AlgorithmSelector.Unshared<AllgatherAlgorithm>(6, 81919, default, table));
        Assert.Equal(AllgatherAlgorithm.Ring, AlgorithmSelector.Unshared<AllgatherAlgorithm>(6, 81920, default, table));
        Assert.Equal(AllgatherAlgorithm.Bruck, AlgorithmSelector.Unshared<AllgatherAlgorithm>(8, 500_000, default, table));
        Assert.Equal(AllgatherAlgorithm.Ring, AlgorithmSelector.Unshared<AllgatherAlgorithm>(8, 524288, default, table));

        Assert.Equal(AlltoallAlgorithm.Bruck, AlgorithmSelector.Unshared<AlltoallAlgorithm>(8, 256, default, table));
        Assert.Equal(AlltoallAlgorithm.Pairwise, AlgorithmSelector.Unshared<AlltoallAlgorithm>(7, 16, default, table));
        Assert.Equal(AlltoallAlgorithm.Pairwise, AlgorithmSelector.Unshared<AlltoallAlgorithm>(8, 257, default, table));

        Assert.Equal(ReduceScatterAlgorithm.ReduceThenScatter, AlgorithmSelector.Unshared<ReduceScatterAlgorithm>(8, 12 * 1024, default, table, commutative: true));
        Assert.Equal(ReduceScatterAlgorithm.Ring, AlgorithmSelector.Unshared<ReduceScatterAlgorithm>(8, 12 * 1024 + 1, default, table, commutative: true));
        Assert.Equal(ReduceScatterAlgorithm.ReduceThenScatter, AlgorithmSelector.Unshared<ReduceScatterAlgorithm>(8, 1 << 24, default, table, commutative: false));
        Assert.Equal(BarrierAlgorithm.Dissemination, AlgorithmSelector.Unshared<BarrierAlgorithm>(8, 0, default, table));
        Assert.Equal(BarrierAlgorithm.Direct, AlgorithmSelector.Unshared<BarrierAlgorithm>(3, 0, default, table));
        Assert.Equal(BarrierAlgorithm.Dissemination, AlgorithmSelector.Unshared<BarrierAlgorithm>(4, 0, default, table));
    }

    [Fact]
    public void AlgorithmNamesRoundTrip()
    {
        Assert.Equal("recursive_doubling", AlgorithmNames.Of(AllreduceAlgorithm.RecursiveDoubling));
        Assert.Equal("scatter_allgather", AlgorithmNames.Of(BroadcastAlgorithm.ScatterAllgather));
        Assert.Equal(AllreduceAlgorithm.Rabenseifner, AlgorithmNames.Parse<AllreduceAlgorithm>("Rabenseifner"));
        Assert.Equal(AllreduceAlgorithm.Auto, AlgorithmNames.Parse<AllreduceAlgorithm>("auto"));
        Assert.Equal(["ring", "tree", "recursive_doubling", "rabenseifner", "shared_memory", "hierarchical", "direct"], AlgorithmNames.ValidNames<AllreduceAlgorithm>());
        var error = Assert.Throws<FormatException>(() => AlgorithmNames.Parse<AllreduceAlgorithm>("foo"));
        Assert.Equal("unknown allreduce algorithm 'foo'; valid: ring, tree, recursive_doubling, rabenseifner, shared_memory, hierarchical, direct", error.Message);
        Assert.Equal("reduce_scatter", AlgorithmNames.Of(Collective.ReduceScatter));
        Assert.Equal(Collective.Broadcast, AlgorithmNames.ParseCollective("broadcast"));
        Assert.Equal(["binomial", "scatter_allgather", "shared_memory", "hierarchical", "chain"], AlgorithmNames.ValidNames(Collective.Broadcast));
        Assert.Throws<FormatException>(() => AlgorithmNames.ParseCollective("allreduse"));
        foreach (AlltoallAlgorithm algorithm in Enum.GetValues<AlltoallAlgorithm>())
            Assert.Equal(algorithm, AlgorithmNames.Parse<AlltoallAlgorithm>(AlgorithmNames.Of(algorithm)));
    }

    [Fact]
    public void TheCommunicatorReportsItsChoice()
    {
        InProcessWorld.Run(1, world =>
        {
            Assert.Equal("recursive_doubling", world.AlgorithmFor(Collective.Allreduce, 8));
            Assert.Equal("ring", world.AlgorithmFor(Collective.Allreduce, 1 << 20));
            Assert.Equal("dissemination", world.AlgorithmFor(Collective.Barrier, 0));
        });
    }
}
