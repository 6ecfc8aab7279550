namespace Hpc.IntegrationTests;

/// <summary>
/// MPI.NET's own regression programs (its repository's Tests/, release 1.4), compiled unchanged
/// against Hpc.MpiNet (tests/MpiNetUpstream) and run through the real launcher at the rank counts
/// MPI.NET's own Tests/runtest.sh gives them: 1, 2, 7 and 16 by default; CartTest at 8 (it builds
/// a grid the size must fit), GraphTest from 4, the two-rank programs at 2. Each program's
/// MPIDebug.Execute turns any failed check into exit code 1 and a failed Debug.Assert ends the
/// process, so the exit code is the verdict (UnitTestOutcomeTest broken on purpose shows it can fail).
/// IntercommunicatorTest at 2, 7 and 8 and EnvironmentDisposalThrowsTest at 1 and 2 run in
/// <see cref="MpiNetTests"/> with their verdict lines checked; here they get the remaining counts.
/// SpawnTest runs only in <see cref="MpiNetTests"/> (at 1 and 2), from its bin/&lt;configuration&gt;,
/// where the relative path it spawns its child by resolves.
/// </summary>
public class MpiNetUpstreamTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    private static readonly int[] Default = [1, 2, 7, 16];

    private static readonly (string Program, int[] RankCounts)[] Schedule =
    [
        ("AllgatherTest", Default), ("AllreduceTest", Default), ("AlltoallTest", Default),
        ("AttributesTest", Default), ("BroadcastTest", Default), ("CartTest", [8]),
        ("DatatypesTest", [2]), ("EnvironmentDisposalTest", Default), ("EnvironmentDisposalThrowsTest", [7, 16]),
        ("ExceptionTest", [2]), ("ExclusiveScanTest", Default), ("GatherTest", Default),
        ("GraphTest", [4, 7, 16]), ("IntercommunicatorTest", [16]), ("NonblockingTest", Default),
        ("ReduceScatterTest", Default), ("ReduceTest", Default), ("ScanTest", Default),
        ("ScatterTest", Default), ("SendReceiveTest", Default), ("UnitTestOutcomeTest", Default),
    ];

    /// <summary>Every (program, rank count) of the schedule.</summary>
    public static TheoryData<string, int> Runs()
    {
        var data = new TheoryData<string, int>();
        foreach ((string program, int[] counts) in Schedule)
        {
            foreach (int np in counts)
                data.Add(program, np);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void MpiNetsTestProgramPasses(string program, int np)
    {
        MpirunResult result = Mpirun.Run(["-np", np.ToString(), MpiNetTests.Upstream(program)], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>The verdict can fail: MPI.NET's UnitTestOutcomeTest makes the rank named by BreakUnitTestOutcomeTest fail a check.</summary>
    [Fact]
    public void ABrokenCheckFailsTheProgram()
    {
        MpirunResult result = Mpirun.Run(["-np", "3", "-x", "BreakUnitTestOutcomeTest=2", MpiNetTests.Upstream("UnitTestOutcomeTest")], Limit);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("rank 2", result.Stderr);
    }

    /// <summary>Every MPI.NET test program of release 1.4 is here; SpawnTest runs in <see cref="MpiNetTests"/>.</summary>
    [Fact]
    public void TheScheduleCoversEveryVendoredProgram()
    {
        string root = Path.Combine(RankPrograms.RepositoryRoot, "tests", "MpiNetUpstream");
        string[] vendored = [.. Directory.GetDirectories(root, "*Test").Select(Path.GetFileName).Where(name => name != "SpawnTest").Order()!];
        Assert.Equal(vendored, Schedule.Select(s => s.Program).Order());
    }
}
