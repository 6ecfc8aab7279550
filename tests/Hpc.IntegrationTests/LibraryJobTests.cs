using System.Diagnostics;

namespace Hpc.IntegrationTests;

/// <summary>Real jobs of programs written against the library: real processes, sockets and shared memory.</summary>
public class LibraryJobTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void RingExamplePassesTheTokenAroundAllRanks(int np)
    {
        MpirunResult result = Mpirun.Run("-np", np.ToString(), RankPrograms.Example("Ring"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"ring: {np} ranks, token = {np * (np + 1) / 2}", result.StdoutLines.Single());
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Theory]
    [InlineData("tcp", 1)]
    [InlineData("tcp", 2)]
    [InlineData("tcp", 8)]
    [InlineData("shm", 2)]
    [InlineData("shm", 8)]
    public void PointToPointOverEachTransport(string transport, int np)
    {
        MpirunResult result = Mpirun.Run("--transport", transport, "-np", np.ToString(), RankPrograms.TestRank, "p2p");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"p2p ok: {np} ranks", result.Stdout);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Theory]
    [InlineData("tcp", "1")]
    [InlineData("shm", "1")]
    [InlineData("shm", "0")]
    public void EverySizeClassAcrossTheProtocolBoundaries(string transport, string singleCopy)
    {
        MpirunResult result = Mpirun.Run("--transport", transport, "-x", "HPC_SINGLE_COPY=" + singleCopy, "-x", "HPC_VERBOSE=1",
            "-np", "2", RankPrograms.TestRank, "sizes");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("sizes ok: 2 ranks", result.Stdout);
        // Verbose mode names the path large shared-memory messages take when single copy is off.
        if (transport == "shm" && singleCopy == "0")
            Assert.Contains("large messages go through the shared ring", result.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void AProgramStartedAloneIsRankZeroOfOne()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(RankPrograms.TestRank);
        info.ArgumentList.Add("identity");
        foreach (string name in new[] { "HPC_RANK", "HPC_SIZE", "HPC_RENDEZVOUS", "HPC_JOB_ID", "HPC_JOB_SECRET" })
            info.Environment.Remove(name);
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "the singleton did not exit");
        Assert.Equal(0, process.ExitCode);
        Assert.StartsWith("rank 0 of 1 on ", output);
    }

    [Fact]
    public void EveryRankKnowsItsIdentity()
    {
        MpirunResult result = Mpirun.Run("-np", "3", RankPrograms.TestRank, "identity");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["rank 0 of 3", "rank 1 of 3", "rank 2 of 3"],
            result.StdoutLines.Select(l => l[..l.IndexOf(" on ", StringComparison.Ordinal)]).Order());
    }

    [Fact]
    public void ARankExitingWithCode7EndsTheJobWithCode7AndNoLeftovers()
    {
        MpirunResult result = Mpirun.Run("-np", "4", RankPrograms.TestRank, "sleep-then-fail");
        Assert.Equal(7, result.ExitCode);
        Assert.Matches(@"rank 1 \(host .+, pid \d+\) exited with code 7", result.Stderr);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(15), result.ToString());
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void AnUnhandledExceptionEndsTheJobNamingTheRank()
    {
        MpirunResult result = Mpirun.Run("-np", "3", RankPrograms.TestRank, "throw");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("hpc: rank 2: unhandled System.InvalidOperationException: deliberate failure", result.Stderr);
        Assert.Matches(@"rank 2 \(host .+, pid \d+\) exited with code 1", result.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void AbortEndsTheWholeJobWithItsCode()
    {
        MpirunResult result = Mpirun.Run("-np", "3", RankPrograms.TestRank, "abort");
        Assert.Equal(5, result.ExitCode);
        Assert.Contains("called Abort(5): deliberate abort", result.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void ATimeoutReportsEveryRankAndEndsTheJob()
    {
        MpirunResult result = Mpirun.Run("--timeout", "3", "-np", "2", RankPrograms.TestRank, "hang");
        Assert.Equal(124, result.ExitCode);
        Assert.Contains("timed out after 3 s", result.Stderr);
        Assert.Contains("rank 0: Receive(source=1, tag=9, count=1, int) on world, waiting for rank 1", result.Stderr);
        Assert.Contains("rank 1: not inside an Hpc call", result.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void RanksExitWhenTheLauncherIsKilled()
    {
        using Mpirun mpirun = Mpirun.Start(["-np", "2", RankPrograms.TestRank, "hang"]);
        var pids = new List<int>();
        for (int i = 0; i < 2; i++)
        {
            string line = mpirun.ReadStdoutLine(TimeSpan.FromSeconds(30));
            pids.Add(int.Parse(line[(line.LastIndexOf(' ') + 1)..]));
        }
        mpirun.Signal(9);
        foreach (int pid in pids)
            Native.AssertGone(pid, TimeSpan.FromSeconds(3));
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(mpirun.Pid));
    }

    [Fact]
    public void SixtyFourRanksOnTwoCoresCompleteAnAllreduceOverSharedMemory()
    {
        MpirunResult result = Mpirun.Run(["-np", "64", RankPrograms.TestRank, "allreduce"], TimeSpan.FromSeconds(240));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("allreduce ok: 64 ranks, sum = 2080", result.Stdout);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void ARankBlockedInReceiveUsesAlmostNoCpu()
    {
        using Mpirun mpirun = Mpirun.Start(["--timeout", "20", "-np", "2", RankPrograms.TestRank, "hang"]);
        int blocked = -1;
        for (int i = 0; i < 2; i++)
        {
            string line = mpirun.ReadStdoutLine(TimeSpan.FromSeconds(30));
            if (line.StartsWith("rank 0 ", StringComparison.Ordinal))
                blocked = int.Parse(line[(line.LastIndexOf(' ') + 1)..]);
        }
        Thread.Sleep(500); // past the short spin
        long before = CpuTicks(blocked);
        Thread.Sleep(2000);
        long used = CpuTicks(blocked) - before;
        // 100 ticks are one core-second; allow a little for the runtime's own housekeeping.
        Assert.True(used <= 10, $"the blocked rank used {used} ticks of CPU in 2 s");
        mpirun.Signal(Native.SigTerm);
    }

    private static long CpuTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14 and 15)
    }

    [Theory]
    [InlineData("shm")]
    [InlineData("tcp")]
    public void SoakOfRandomMessagesOverARealTransport(string transport)
    {
        MpirunResult result = Mpirun.Run(["--transport", transport, "-np", "4", RankPrograms.TestRank, "soak"], TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("soak ok: 4 ranks, 20000 messages", result.Stdout);
    }

    [Theory]
    [InlineData("shm", null, "shared_memory")]
    [InlineData("tcp", null, "recursive_doubling")]
    [InlineData("shm", "allreduce=ring,bcast=binomial", "ring")]
    [InlineData("tcp", "allreduce=tree", "tree")]
    public void AllreduceExampleAtEightRanksWithTheChosenAlgorithm(string transport, string? coll, string algorithm)
    {
        List<string> args = ["--transport", transport, "-np", "8"];
        if (coll is not null)
            args.AddRange(["--coll", coll]);
        args.Add(RankPrograms.Example("Allreduce"));
        MpirunResult result = Mpirun.Run(args, TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"allreduce: 8 ranks, sum = 36 (algorithm: {algorithm})", result.StdoutLines[0]);
        Assert.Contains("bit-identical on all ranks", result.Stdout);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    public void WaitsThatBlockOverTcpAreWokenByWhatArrives(string directWake)
    {
        // HPC_DIRECT_WAKE=1: a blocked receiver sleeps in poll(2) on its sockets; 0: it waits
        // for a background reader. Both must deliver every message of every round.
        MpirunResult result = Mpirun.Run(["--transport", "tcp", "-x", $"HPC_DIRECT_WAKE={directWake}", "-np", "3", RankPrograms.TestRank, "blocked-waits"],
            TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("blocked waits ok: 3 ranks", result.Stdout);
    }

    [Fact]
    public void CollectivesAtEightRanksOverTcp()
    {
        MpirunResult result = Mpirun.Run(["--transport", "tcp", "-np", "8", RankPrograms.TestRank, "allreduce"], TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("allreduce ok: 8 ranks, sum = 36", result.Stdout);
    }

    [Fact]
    public void AnUnknownAlgorithmNameListsTheValidOnes()
    {
        MpirunResult result = Mpirun.Run("-np", "2", RankPrograms.Example("Allreduce"), "--algorithm", "foo");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown allreduce algorithm 'foo'; valid: ring, tree, recursive_doubling, rabenseifner, shared_memory, hierarchical, direct", result.Stderr);

        MpirunResult coll = Mpirun.Run("--coll", "allreduce=foo", "-np", "2", RankPrograms.Example("Allreduce"));
        Assert.NotEqual(0, coll.ExitCode);
        Assert.Contains("HPC_COLL='allreduce=foo': unknown allreduce algorithm 'foo'", coll.Stderr);
    }

    [Fact]
    public void MpiexecIsMpirunWithMpichSpellings()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { RankPrograms.Mpiexec, "-n", "3", "-env", "GREETING", "hello there", "sh", "-c", "echo \"$HPC_RANK $GREETING\"" })
            info.ArgumentList.Add(arg);
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("mpiexec did not finish");
        }
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(["0 hello there", "1 hello there", "2 hello there"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public void CheckTurnsAMismatchedCollectiveIntoAClearErrorOnEveryRank()
    {
        MpirunResult result = Mpirun.Run(["--check", "-np", "3", RankPrograms.TestRank, "mismatch"], TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("collective mismatch (--check): ranks 0,2 are in Allreduce #1 on world (4 float, op sum); rank 1 is in Allreduce #1 (5 float, op sum)", result.Stderr);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(30), result.ToString());
    }

    [Fact]
    public void ARankKilledInTheMiddleOfAnAllreduceEndsTheJobNamingIt()
    {
        using Mpirun mpirun = Mpirun.Start(["-np", "3", RankPrograms.TestRank, "allreduce-forever"]);
        var pids = new Dictionary<int, int>();
        for (int i = 0; i < 3; i++)
        {
            string[] words = mpirun.ReadStdoutLine(TimeSpan.FromSeconds(30)).Split(' ');
            pids[int.Parse(words[1])] = int.Parse(words[3]);
        }
        Thread.Sleep(300); // well inside the allreduce loop
        Assert.Equal(0, Native.Kill(pids[1], 9));
        MpirunResult result = mpirun.WaitForExit();
        Assert.Equal(128 + 9, result.ExitCode);
        Assert.Matches($@"rank 1 \(host .+, pid {pids[1]}\) was killed by signal 9", result.Stderr);
        foreach (int pid in pids.Values)
            Native.AssertGone(pid, TimeSpan.FromSeconds(3));
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(mpirun.Pid));
    }
}
