using Hpc.Bench.Model;
using Hpc.Bench.Tune;
using Hpc.Collectives;
using Xunit;

namespace Hpc.Tests.Bench;

public class TuningTests
{
    [Fact]
    public void CrossoversBecomeRules()
    {
        (long, string)[] winners = [(4, "recursive_doubling"), (64, "recursive_doubling"), (1024, "rabenseifner"), (16384, "rabenseifner"), (262144, "ring")];

        IReadOnlyList<TuningRule> rules = CrossoverFinder.Rules(BenchmarkInfo.Of(BenchmarkKind.Allreduce), 4, winners);

        Assert.Equal(
            [new("allreduce", 4, 0, "recursive_doubling"), new("allreduce", 4, 1024, "rabenseifner"), new("allreduce", 4, 262144, "ring")],
            rules);
    }

    [Fact]
    public void ALoneOutlierIsNoise()
    {
        (long, string)[] winners = [(4, "binomial"), (16, "scatter_allgather"), (64, "binomial"), (256, "binomial")];
        IReadOnlyList<TuningRule> rules = CrossoverFinder.Rules(BenchmarkInfo.Of(BenchmarkKind.Bcast), 2, winners);
        Assert.Equal([new TuningRule("bcast", 2, 0, "binomial")], rules);
    }

    [Fact]
    public void AnOutlierAtTheSmallestSizeIsNoise()
    {
        (long, string)[] winners = [(4, "ring"), (16, "recursive_doubling"), (64, "recursive_doubling"), (256, "tree")];
        IReadOnlyList<TuningRule> rules = CrossoverFinder.Rules(BenchmarkInfo.Of(BenchmarkKind.Allreduce), 2, winners);
        Assert.Equal([new TuningRule("allreduce", 2, 0, "recursive_doubling"), new TuningRule("allreduce", 2, 256, "tree")], rules);
    }

    [Fact]
    public void BlockCollectivesUseTheBlockSize()
    {
        // The selector counts gather by one rank's block: 4096 B over 4 ranks is 1024 B.
        IReadOnlyList<TuningRule> rules = CrossoverFinder.Rules(BenchmarkInfo.Of(BenchmarkKind.Gather), 4, [(64, "binomial"), (4096, "linear")]);
        Assert.Equal(1024, rules[1].MinBytes);
    }

    [Fact]
    public void TuneSweepsAndWritesAFileTheLibraryLoads()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hpc-tune-{Guid.NewGuid():N}.txt");
        try
        {
            var options = Hpc.Bench.Cli.OptionParser.Parse(["tune", "-o", path, "-m", "4:1024", "-i", "2", "-x", "0", "-q", "--collectives", "allreduce,gather"]);
            var stdout = TextWriter.Synchronized(new StringWriter());
            int[] codes = InProcessWorld.Run(2, world => new TuneCommand(world, options, stdout, TextWriter.Null).Run());

            Assert.Equal([0, 0], codes);
            TuningTable table = TuningTable.Load(path);
            Assert.Contains(table.Rules, r => r.Collective == Collective.Allreduce && r.Ranks == 2 && r.MinBytes == 0);
            Assert.Contains(table.Rules, r => r.Collective == Collective.Gather && r.Ranks == 2 && r.MinBytes == 0);
            Assert.DoesNotContain(table.Rules, r => r.Collective == Collective.Broadcast);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WrittenFileLoadsInTheLibraryAndKeepsOtherRankCounts()
    {
        string first = TuningFile.Merge(null, 2, [new("allreduce", 2, 0, "recursive_doubling"), new("bcast", 2, 0, "binomial")], ["np 2"]);
        string merged = TuningFile.Merge(first, 4,
            [new("allreduce", 4, 0, "recursive_doubling"), new("allreduce", 4, 65536, "ring"), new("gather", 4, 0, "linear")], ["np 4"]);

        TuningTable table = TuningTable.Parse(merged);

        Assert.Equal(5, table.Rules.Count);
        Assert.Equal((int)AllreduceAlgorithm.RecursiveDoubling, table.Lookup(Collective.Allreduce, 2, 1 << 20));
        Assert.Equal((int)AllreduceAlgorithm.Ring, table.Lookup(Collective.Allreduce, 4, 1 << 20));
        Assert.Equal((int)AllreduceAlgorithm.RecursiveDoubling, table.Lookup(Collective.Allreduce, 8, 1024));
        Assert.Equal((int)BroadcastAlgorithm.Binomial, table.Lookup(Collective.Broadcast, 4, 1024));

        string again = TuningFile.Merge(merged, 4, [new("allreduce", 4, 0, "tree")], ["np 4 again"]);
        Assert.Equal(3, TuningTable.Parse(again).Rules.Count);
    }
}
