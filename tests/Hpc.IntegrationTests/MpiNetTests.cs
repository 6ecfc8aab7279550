namespace Hpc.IntegrationTests;

/// <summary>
/// MPI.NET programs on Hpc (src/Hpc.MpiNet) under the real launcher. tests/Hpc.MpiNetRank
/// exercises every supported MPI.NET member and checks its own results; one launch per world size
/// runs all of it, and rank 0 prints one line per area that passed on every rank.
/// </summary>
public class MpiNetTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    private static readonly string[] Areas =
    [
        "environment", "operations", "point-to-point", "serialized point-to-point", "non-blocking",
        "communicators and groups", "collectives", "reductions", "serialized collectives", "serializer errors", "topologies", "attributes", "unsafe", "finalize",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(8)]
    public void EveryMpiNetMemberWorks(int np)
    {
        MpirunResult result = Mpirun.Run(["-np", np.ToString(), MpiNetRank], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string area in Areas)
            Assert.Contains($"mpinet {area} ok: {np} ranks", result.Stdout);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TheFirstDisposeFinalizesAndALaterEnvironmentThrows(int np)
    {
        MpirunResult result = Mpirun.Run(["-np", np.ToString(), MpiNetRank, "disposal"], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"mpinet disposal ok: {np} ranks", result.Stdout);
    }

    /// <summary>
    /// MPI.NET's own Tests/IntercommunicatorTest, compiled unchanged (tests/MpiNetUpstream): the
    /// even world ranks against the odd ones. It prints one "Passed == …" line per check (most of
    /// them only print), so every line is looked at, not just the exit code.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(8)]
    public void MpiNetsIntercommunicatorTestPasses(int np)
    {
        MpirunResult result = Mpirun.Run(["-np", np.ToString(), Upstream("IntercommunicatorTest")], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        string[] verdicts = result.StdoutLines.Where(l => l.Contains("Passed == ", StringComparison.Ordinal)).ToArray();
        Assert.True(verdicts.Length == 35, $"{verdicts.Length} verdicts, 35 expected\n{result}");
        Assert.All(verdicts, l => Assert.Contains("Passed == True", l));
    }

    /// <summary>
    /// MPI.NET's own Tests/SpawnTest, compiled unchanged: the world spawns 4 SpawnChild processes
    /// by the Windows-style relative path "..\..\SpawnChild\bin\Debug\SpawnChild.exe" (so the
    /// job runs in SpawnTest's bin/&lt;configuration&gt;), each child says hello and both sides meet in
    /// a Barrier over the intercommunicator.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MpiNetsSpawnTestPasses(int np)
    {
        string program = Upstream("SpawnTest");
        // bin/<configuration>/net10.0/MpiNetUpstream.SpawnTest.dll: the test looks for the child from bin/<configuration>.
        string directory = Path.GetDirectoryName(Path.GetDirectoryName(program))!;
        MpirunResult result = Mpirun.Run(["-np", np.ToString(), program], Limit, workingDirectory: directory);
        Assert.True(result.ExitCode == 0, result.ToString());
        for (int child = 0; child < 4; child++)
            Assert.Contains($"Hello, from process number {child} of 4", result.Stdout);
    }

    /// <summary>MPI.NET's own Tests/EnvironmentDisposalThrowsTest, compiled unchanged: a second Run after the first finalized throws.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void MpiNetsEnvironmentDisposalThrowsTestPasses(int np)
    {
        MpirunResult result = Mpirun.Run(["-np", np.ToString(), Upstream("EnvironmentDisposalThrowsTest")], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void EnvironmentAbortEndsTheJobWithItsCode()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", MpiNetRank, "abort"], Limit);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("rank 1 (host", result.Stderr);
        Assert.Contains("called Abort(3)", result.Stderr);
    }

    [Fact]
    public void AnExceptionInsideEnvironmentRunEndsTheJobWithCode1()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", MpiNetRank, "throw"], Limit);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("System.InvalidOperationException: deliberate failure inside Environment.Run", result.Stderr);
        Assert.Contains("called Abort(1)", result.Stderr);
    }

    [Fact]
    public void HelloExampleGreetsFromEveryRank()
    {
        MpirunResult result = Mpirun.Run(["-np", "3", Example("Hello")], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            ["Hello, World! from rank 0 of 3", "Hello, World! from rank 1 of 3", "Hello, World! from rank 2 of 3"],
            result.StdoutLines.Select(l => l[..l.IndexOf(" running on ", StringComparison.Ordinal)]).Order());
    }

    [Fact]
    public void PingPongExampleExchangesStrings()
    {
        MpirunResult result = Mpirun.Run(["-np", "3", Example("PingPong")], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Rank 0 is alive and running on ", result.StdoutLines[0]);
        Assert.Matches(@"Pinging process with rank 1\.\.\. Pong from rank 1 on .+ \(got Ping!\)", result.StdoutLines[1]);
        Assert.Matches(@"Pinging process with rank 2\.\.\. Pong from rank 2 on .+ \(got Ping!\)", result.StdoutLines[2]);
    }

    [Fact]
    public void PiExampleReducesTheParts()
    {
        MpirunResult result = Mpirun.Run(["-np", "4", Example("Pi"), "1000000"], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        string line = Assert.Single(result.StdoutLines);
        Assert.StartsWith("pi is approximately 3.1415926535", line);
        Assert.Contains("(1000000 intervals, 4 processes", line);
    }

    private static string MpiNetRank => Dll("tests/Hpc.MpiNetRank", "Hpc.MpiNetRank");

    /// <summary>A program of tests/MpiNetUpstream, built beside the tests.</summary>
    internal static string Upstream(string name) => Dll("tests/MpiNetUpstream/" + name, "MpiNetUpstream." + name);

    private static string Example(string name) => Dll("examples/MpiNet/" + name, "MpiNet." + name);

    /// <summary>A built program beside the tests (same configuration), e.g. examples/MpiNet/Pi/bin/Debug/net10.0/MpiNet.Pi.dll.</summary>
    private static string Dll(string project, string assembly)
    {
        string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";
        string path = Path.Combine(RankPrograms.RepositoryRoot, project, "bin", configuration, "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assembly} is not built", path);
    }
}
