using Hpc.Launcher;

namespace Hpc.IntegrationTests;

/// <summary>The argv split and option binding, in process (no launcher started).</summary>
public sealed class CommandLineTests
{
    private static readonly Dictionary<string, string> LauncherEnvironment = new() { ["HOME"] = "/home/me" };

    private static JobSpec Parse(params string[] argv)
    {
        CommandLineOutcome outcome = CommandLineParsing.Parse(argv, name => LauncherEnvironment.GetValueOrDefault(name));
        return Assert.IsType<RunJob>(outcome).Spec;
    }

    [Theory]
    [InlineData("-np", "4")]
    [InlineData("-n", "4")]
    [InlineData("--np", "4")]
    [InlineData("--np=4")]
    [InlineData("-np=4")]
    [InlineData("-n4")]
    public void RankCountHasEveryOpenMpiSpelling(params string[] option)
    {
        JobSpec spec = Parse([.. option, "prog", "a"]);

        Assert.Equal(4, spec.Ranks);
        Assert.Equal("prog", spec.Program);
        Assert.Equal(["a"], spec.ProgramArgs);
    }

    [Fact]
    public void EverythingAfterTheProgramBelongsToIt()
    {
        JobSpec spec = Parse("-np", "2", "prog", "--help", "-np", "3", "-x", "A=1", "--", "--version");

        Assert.Equal(2, spec.Ranks);
        Assert.Equal("prog", spec.Program);
        Assert.Equal(["--help", "-np", "3", "-x", "A=1", "--", "--version"], spec.ProgramArgs);
        Assert.Empty(spec.Environment);
    }

    [Fact]
    public void DoubleDashEndsLauncherOptions()
    {
        JobSpec spec = Parse("-np", "2", "--", "-strange-name", "x");

        Assert.Equal("-strange-name", spec.Program);
        Assert.Equal(["x"], spec.ProgramArgs);
    }

    [Fact]
    public void OptionValuesMayLookLikeOptionsOrProgramNames()
    {
        JobSpec spec = Parse("--coll", "-odd", "-x", "A=-1", "--timeout", "2.5", "prog");

        Assert.Equal("prog", spec.Program);
        Assert.Contains(new KeyValuePair<string, string>("HPC_COLL", "-odd"), spec.Environment);
        Assert.Contains(new KeyValuePair<string, string>("A", "-1"), spec.Environment);
        Assert.Equal(TimeSpan.FromSeconds(2.5), spec.Timeout);
        Assert.Equal("2.5", spec.TimeoutText);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData(" leading space")]
    [InlineData("-dash")]
    [InlineData("--double-dash")]
    [InlineData("=")]
    [InlineData("==x")]
    [InlineData("a=b=c")]
    [InlineData("\"quoted\"")]
    [InlineData("trailing ")]
    public void OptionValuesSurviveUnchanged(string value)
    {
        JobSpec spec = Parse("--coll", value, "-x", "A=" + value, "--coll=" + value, "prog");

        Assert.Equal([new("A", value), new("HPC_COLL", value)], spec.Environment);
    }

    [Fact]
    public void ExportsKeepTheirOrderAndValues()
    {
        JobSpec spec = Parse("-x", "A=1", "-x", "HOME", "-xB=x=y", "-x", "C=", "prog");

        Assert.Equal(
            [new("A", "1"), new("HOME", "/home/me"), new("B", "x=y"), new("C", "")],
            spec.Environment);
    }

    [Fact]
    public void FlagsAndSingleDashLongNamesBind()
    {
        JobSpec spec = Parse("-tag-output", "--verbose", "--check", "--transport", "SHM", "prog");

        Assert.True(spec.TagOutput);
        Assert.True(spec.Verbose);
        Assert.Contains(new KeyValuePair<string, string>("HPC_CHECK", "1"), spec.Environment);
        Assert.Contains(new KeyValuePair<string, string>("HPC_TRANSPORT", "shm"), spec.Environment);
    }

    [Fact]
    public void RankCountDefaultsToTheCores()
    {
        Assert.Equal(Environment.ProcessorCount, Parse("prog").Ranks);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-np", "2", "--help")]
    [InlineData("-np", "2", "-h", "prog", "--version")]
    public void HelpIsShownBeforeAnyProgramIsRequired(params string[] argv)
    {
        var text = Assert.IsType<ShowText>(CommandLineParsing.Parse(argv, _ => null));
        Assert.Contains("Usage: dotnet mpirun", text.Text);
    }

    [Fact]
    public void VersionIsTheLauncherVersion()
    {
        var text = Assert.IsType<ShowText>(CommandLineParsing.Parse(["--version"], _ => null));
        Assert.Equal($"mpirun (Hpc.Launcher) {CommandLineParsing.Version}", text.Text);
        Assert.DoesNotContain("+", CommandLineParsing.Version);
    }

    [Theory]
    [InlineData("unknown option '--nope'", "--nope", "prog")]
    [InlineData("unknown option '--nope'", "--nope=3", "prog")]
    [InlineData("unknown option '-vx'", "-vx", "prog")]
    [InlineData("option '-x' needs a value", "-x")]
    [InlineData("option '--timeout' needs a value", "--timeout")]
    [InlineData("--timeout expects a positive number of seconds (got 'soon')", "--timeout", "soon", "prog")]
    [InlineData("option '--coll' needs a value (got an empty one)", "--coll", "", "prog")]
    [InlineData("option '-x' needs a value (got an empty one)", "-x", "", "prog")]
    [InlineData("option '--tune' needs a value (got an empty one)", "--tune=", "prog")]
    [InlineData("--coll expects a SPEC such as allreduce=ring (got ' ')", "--coll", " ", "prog")]
    public void MistakesNameTheInput(string message, params string[] argv)
    {
        var error = Assert.Throws<UsageException>(() => CommandLineParsing.Parse(argv, _ => null));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void MpmdContextsAreNumberedInOrder()
    {
        JobSpec spec = Parse("--tag-output", "-x", "A=1", "-np", "1", "a", "x", ":", "-n", "3", "-x", "B=2", "b", "y", "z");

        Assert.Equal(4, spec.Ranks);
        Assert.Equal(["a", "b"], spec.Apps.Select(a => a.Program));
        Assert.Equal([0, 1], spec.Apps.Select(a => a.FirstRank));
        Assert.Equal([1, 3], spec.Apps.Select(a => a.Ranks));
        Assert.Equal(["y", "z"], spec.Apps[1].Args);
        Assert.Equal([new("A", "1")], spec.Environment);
        Assert.Equal([new("B", "2")], spec.Apps[1].Environment);
        Assert.Equal([0, 1, 1, 1], Enumerable.Range(0, 4).Select(spec.AppIndexOf));
        Assert.True(spec.TagOutput);
    }

    [Fact]
    public void EverydayOpenMpiOptionsBind()
    {
        JobSpec spec = Parse("-N", "2", "--bind-to", "core", "--report-bindings", "--display-map", "--stdin", "all",
            "--merge-stderr-to-stdout", "--timestamp-output", "-wdir", "/tmp", "--allow-run-as-root", "prog");

        Assert.Equal(2, spec.Ranks); // -N 2 on this one host
        Assert.Equal(new BindingOptions(BindTo.Core, true), spec.Binding);
        Assert.True(spec.DisplayMap);
        Assert.Equal(new StdinTarget(true, null), spec.Stdin);
        Assert.Equal(new OutputOptions(false, true, true, null), spec.Output);
        Assert.Equal(Path.GetFullPath("/tmp"), spec.Apps[0].WorkingDirectory);
    }

    [Fact]
    public void StdinGoesToRankZeroUnlessTold()
    {
        Assert.Equal(StdinTarget.RankZero, Parse("-np", "2", "prog").Stdin);
        Assert.Equal(new StdinTarget(false, 1), Parse("-np", "2", "--stdin", "1", "prog").Stdin);
        Assert.Equal(new StdinTarget(false, null), Parse("-np", "2", "--stdin", "none", "prog").Stdin);
    }

    [Theory]
    [InlineData("--map-by", "ppr:3:node", 3)]
    [InlineData("-npernode", "2", 2)]
    [InlineData("--npernode", "5", 5)]
    public void ARankCountPerHostIsTheDefaultNp(string option, string value, int ranks)
    {
        Assert.Equal(ranks, Parse(option, value, "prog").Ranks);
    }
}
