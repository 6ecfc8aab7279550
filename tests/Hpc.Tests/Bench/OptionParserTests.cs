using Hpc.Bench.Cli;
using Hpc.Bench.Model;
using Xunit;

namespace Hpc.Tests.Bench;

public class OptionParserTests
{
    private static BenchOptions Parse(params string[] args) => OptionParser.Parse(args);

    private static string Error(params string[] args) => Assert.Throws<Hpc.Bench.Cli.UsageException>(() => OptionParser.Parse(args)).Message;

    [Fact]
    public void MaxAloneStartsAtFourBytes()
    {
        BenchOptions options = Parse("allreduce", "-m", "1024");
        Assert.Equal(new SizeRange(4, 1024), options.Sizes);
        Assert.Equal([4L, 16, 64, 256, 1024], options.EffectiveSizes.Sizes());
    }

    [Fact]
    public void MinAndMaxStepByFactorsOfFour()
    {
        Assert.Equal([4L, 16, 64, 256, 1024, 4096], Parse("bcast", "-m", "4:4096").EffectiveSizes.Sizes());
        Assert.Equal([1024L, 4096, 16384], Parse("bcast", "-m", "1K:16K").EffectiveSizes.Sizes());
        Assert.Equal([8L, 32], Parse("bcast", "--message-size=8:40").EffectiveSizes.Sizes());
    }

    [Fact]
    public void DefaultsFollowTheReferenceBenchmark()
    {
        BenchOptions options = Parse("allreduce");
        Assert.Equal(4, options.EffectiveSizes.Min);
        Assert.Equal(64L << 20, options.EffectiveSizes.Max);
        Assert.Equal(2000, options.IterationsFor(8192));
        Assert.Equal(200, options.IterationsFor(16384));
        Assert.Equal(200, options.IterationsFor(1 << 20));
        Assert.Equal(20, options.IterationsFor(4 << 20));
        Assert.Equal(5, options.WarmupFor(4));
        Assert.Equal(10, Parse("latency").WarmupFor(4));
        Assert.Equal(20000, Parse("barrier").IterationsFor(0));
        Assert.Equal(1000, Parse("barrier").WarmupFor(0));
        Assert.Equal("float", options.Datatype.Name);
        Assert.Empty(options.Algorithms);
    }

    [Fact]
    public void OsuLettersAreRead()
    {
        BenchOptions options = Parse("allgather", "-i", "7", "-x", "2", "-f", "-T", "mpi_double", "-c", "--json", "a.json", "--csv", "a.csv", "--plot", "a.svg", "-q");
        Assert.Equal(7, options.IterationsFor(4));
        Assert.Equal(7, options.IterationsFor(64L << 20));
        Assert.Equal(2, options.WarmupFor(4));
        Assert.True(options.Full);
        Assert.True(options.Check);
        Assert.True(options.Quiet);
        Assert.Equal("double", options.Datatype.Name);
        Assert.Equal(8, options.Datatype.Size);
        Assert.Equal(("a.json", "a.csv", "a.svg"), (options.JsonFile, options.CsvFile, options.PlotFile));
    }

    [Fact]
    public void AlgorithmsAreNamedAllOrAuto()
    {
        Assert.Equal(AlgorithmNames.ValidNames<AllreduceAlgorithm>(), Parse("allreduce", "--algorithm", "all").Algorithms);
        Assert.Contains("rabenseifner", Parse("allreduce", "--algorithm", "all").Algorithms);
        Assert.Equal(["ring", "tree"], Parse("allreduce", "--algorithm", "ring,tree").Algorithms);
        Assert.Equal(["recursive_doubling"], Parse("allreduce", "-a", "Recursive-Doubling").Algorithms);
        Assert.Empty(Parse("allreduce", "--algorithm", "auto").Algorithms);
        Assert.Equal(AlgorithmNames.ValidNames<BroadcastAlgorithm>(), Parse("bcast", "--algorithm", "all").Algorithms);
    }

    [Theory]
    [InlineData("-m 4:x", "-m '4:x'")]
    [InlineData("-m 8:4", "MIN 8 is larger than MAX 4")]
    [InlineData("-m 0", "-m '0'")]
    [InlineData("-m 1:2:3", "-m '1:2:3'")]
    [InlineData("-m", "-m needs a value")]
    [InlineData("-i 0", "-i '0'")]
    [InlineData("-i ten", "-i 'ten'")]
    [InlineData("-x -1", "-x '-1'")]
    [InlineData("-T quaternion", "-T 'quaternion': unknown datatype")]
    [InlineData("--algorithm bogus", "--algorithm 'bogus': unknown allreduce algorithm; valid: ring, tree, recursive_doubling, rabenseifner")]
    [InlineData("--frobnicate", "unknown option '--frobnicate'")]
    [InlineData("--plot out.gif", "--plot 'out.gif': the plot is written as SVG or PNG")]
    [InlineData("--load -2", "--load '-2'")]
    [InlineData("--load", "--load needs a value")]
    [InlineData("-f=1", "unknown option '-f=1'")]
    [InlineData("--full=yes", "--full takes no value")]
    [InlineData("stray", "unexpected argument 'stray'")]
    public void BadInputNamesTheOption(string arguments, string expected)
    {
        string message = Error(["allreduce", .. arguments.Split(' ')]);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void TailLoadAndPngPlotsAreRead()
    {
        BenchOptions options = Parse("latency", "-z", "--load", "2", "--plot", "p.PNG", "--compare", "a.json", "--compare=b.txt");
        Assert.True(options.TailLatency);
        Assert.Equal(2, options.Load);
        Assert.Equal("p.PNG", options.PlotFile);
        Assert.Equal(["a.json", "b.txt"], options.InputFiles);
        Assert.False(Parse("latency").TailLatency);
        Assert.Equal(0, Parse("latency").Load);
        Assert.Equal(3, Parse("load", "3").Load);
        Assert.Contains("load needs one number", Error("load"));
        // The last of a repeated option wins, as with getopt.
        Assert.Equal(9, Parse("bcast", "-i", "3", "-i", "9").IterationsFor(4));
        // A value may look like an option.
        Assert.Equal("-out.json", Parse("bcast", "--json", "-out.json").JsonFile);
        Assert.Equal(Command.Help, Parse("bcast", "-m", "4", "--help").Command);
    }

    [Fact]
    public void HelpListsEveryOptionFromTheAttributes()
    {
        string help = Usage.Text;
        foreach (string option in new[] { "--message-size", "--iterations", "--warmup", "--full", "--tail-latency", "--type", "--window",
                     "--algorithm", "--check", "--load", "--quiet", "--json", "--csv", "--plot", "--compare", "--baseline", "--output", "--collectives" })
            Assert.Contains(option, help);
    }

    [Fact]
    public void BadBenchmarksAreNamed()
    {
        Assert.Contains("unknown benchmark 'allreduse'", Error("allreduse"));
        Assert.Contains("no benchmark given", Error());
        Assert.Contains("point-to-point", Error("latency", "--algorithm", "ring"));
        Assert.Contains("barrier has no message size", Error("barrier", "-m", "64"));
    }

    [Fact]
    public void PingpongIsLatency()
    {
        Assert.Equal(BenchmarkKind.Latency, Parse("pingpong").Benchmark.Kind);
        Assert.Equal(BenchmarkKind.ReduceScatter, Parse("reduce_scatter").Benchmark.Kind);
    }

    [Fact]
    public void CompareTakesFilesAndTuneTakesCollectives()
    {
        BenchOptions compare = Parse("compare", "a.json", "b.txt", "--baseline", "Open MPI");
        Assert.Equal(Command.Compare, compare.Command);
        Assert.Equal(["a.json", "b.txt"], compare.InputFiles);
        Assert.Contains("compare needs result files", Error("compare"));

        BenchOptions tune = Parse("tune", "-o", "t.txt", "--collectives", "allreduce,bcast");
        Assert.Equal("t.txt", tune.TuneOutput);
        Assert.Equal(["allreduce", "bcast"], tune.TuneCollectives.Select(c => c.Name));
        Assert.Contains("--collectives 'latency'", Error("tune", "--collectives", "latency"));
        Assert.Contains("--collectives 'barrier'", Error("tune", "--collectives", "barrier"));
        Assert.Equal(AlgorithmNames.ValidNames<BarrierAlgorithm>(), Parse("barrier", "--algorithm", "all").Algorithms);
    }
}
