using System.Text.RegularExpressions;

namespace Hpc.IntegrationTests;

/// <summary>Failure is loud and total: one message, the right exit code, no process left.</summary>
public sealed class FailureTests
{
    [Fact]
    public void FailingRankEndsTheJobWithItsCodeAndNamesRankAndPid()
    {
        MpirunResult result = Mpirun.Run("-np", "2", "sh", "-c", "if [ $HPC_RANK = 1 ]; then echo $$; exit 7; fi; exec sleep 30");

        Assert.True(result.ExitCode == 7, result.ToString());
        string pid = result.StdoutLines.Single();
        Assert.Matches($@"^mpirun: rank 1 \(host [^,]+, pid {pid}\) exited with code 7; terminating the job\n$", result.Stderr);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(10), result.ToString());
    }

    [Fact]
    public void SleepingRanksAreKilledQuicklyWhenAnotherFails()
    {
        MpirunResult result = Mpirun.Run("-np", "3", "sh", "-c",
            "if [ $HPC_RANK = 2 ]; then sleep 0.5; exit 3; fi; sleep 30 & echo $$ $!; wait");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(5), result.ToString());
        int[] pids = [.. result.StdoutLines.SelectMany(l => l.Split(' ')).Select(int.Parse)];
        Assert.Equal(4, pids.Length);
        foreach (int pid in pids)
            Native.AssertGone(pid, TimeSpan.FromSeconds(1));
        Assert.Single(Regex.Matches(result.Stderr, "^mpirun:", RegexOptions.Multiline));
    }

    [Fact]
    public void RanksThatIgnoreSigtermAreKilledAnyway()
    {
        MpirunResult result = Mpirun.Run("-np", "2", "sh", "-c",
            "trap '' TERM; if [ $HPC_RANK = 1 ]; then sleep 0.3; exit 4; fi; echo $$; while true; do sleep 0.1; done");

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(5), result.ToString());
        Native.AssertGone(int.Parse(result.StdoutLines.Single()), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void DeathBySignalIsReportedAsSignal()
    {
        MpirunResult result = Mpirun.Run("-np", "2", "sh", "-c", "if [ $HPC_RANK = 0 ]; then kill -9 $$; fi; exec sleep 30");

        Assert.True(result.ExitCode == 128 + 9, result.ToString());
        Assert.Matches(@"^mpirun: rank 0 \(host [^,]+, pid \d+\) was killed by signal 9 \(SIGKILL\); terminating the job\n$", result.Stderr);
    }

    [Fact]
    public void TimeoutReportsRankStatesAndExits124()
    {
        MpirunResult result = Mpirun.Run("-np", "2", "--timeout", "1", "sh", "-c", "echo $$; exec sleep 30");

        Assert.True(result.ExitCode == 124, result.ToString());
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(8), result.ToString());
        Assert.Contains("mpirun: job timed out after 1 s; rank states:\n", result.Stderr);
        Assert.Contains("rank 0: no answer\n", result.Stderr);
        Assert.Contains("rank 1: no answer\n", result.Stderr);
        foreach (string pid in result.StdoutLines)
            Native.AssertGone(int.Parse(pid), TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(Native.SigInt, 130, "SIGINT")]
    [InlineData(Native.SigTerm, 143, "SIGTERM")]
    public void SignalToTheLauncherEndsTheJob(int signal, int expectedCode, string name)
    {
        using var mpirun = Mpirun.Start(["-np", "2", "sh", "-c", "echo $$; exec sleep 30"]);
        int[] pids = [int.Parse(mpirun.ReadStdoutLine(TimeSpan.FromSeconds(20))), int.Parse(mpirun.ReadStdoutLine(TimeSpan.FromSeconds(20)))];

        mpirun.Signal(signal);
        MpirunResult result = mpirun.WaitForExit();

        Assert.True(result.ExitCode == expectedCode, result.ToString());
        Assert.Equal($"mpirun: received {name}; terminated the job\n", result.Stderr);
        foreach (int pid in pids)
            Native.AssertGone(pid, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void ATaskPoolWorkerKilledWhileItHoldsATaskEndsTheJobNamingItsRank()
    {
        MpirunResult result = Mpirun.Run(["-np", "3", RankPrograms.TestRank, "pool-worker-dies"], TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 128 + 9, result.ToString());
        Match killed = Regex.Match(result.Stderr, @"^mpirun: rank (\d) \(host [^,]+, pid (\d+)\) was killed by signal 9 \(SIGKILL\); terminating the job$", RegexOptions.Multiline);
        Assert.True(killed.Success, result.ToString());
        Assert.NotEqual("0", killed.Groups[1].Value);
        Assert.DoesNotContain("map returned", result.Stdout);
        foreach (Match rank in Regex.Matches(result.Stdout, @"^rank \d pid (\d+)$", RegexOptions.Multiline))
            Native.AssertGone(int.Parse(rank.Groups[1].Value), TimeSpan.FromSeconds(2));
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void AnExceptionInsideInitIsOneLineFromTheRankAndMpirunNamesIt()
    {
        MpirunResult result = Mpirun.Run("-np", "3", RankPrograms.TestRank, "init-fails");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"^hpc: rank 1: Mpi.Init failed: HPC_EAGER_LIMIT='lots' is not a byte count from 0 to \d+\n"
            + @"mpirun: rank 1 \(host [^,]+, pid \d+\) exited with code 1; terminating the job\n$", result.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    /// <summary>
    /// <c>timeout -s INT</c> around mpirun started in the background of a script: the shell
    /// starts it with SIGINT ignored (here: <c>trap '' INT</c>, kept across exec), which used to
    /// make mpirun deaf to it. It must end the job cleanly with 130.
    /// </summary>
    [Fact]
    public void TimeoutSigintEndsTheJobEvenWhenSigintWasIgnoredAtStart()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Hpc.Launcher.dll");
        var info = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("trap '' INT; exec timeout --preserve-status -s INT 3 \"$0\" \"$1\" -np 2 sh -c 'echo $$; exec sleep 30'");
        info.ArgumentList.Add(Hpc.Launcher.ProgramResolver.FindDotnetHost());
        info.ArgumentList.Add(dll);
        using var process = System.Diagnostics.Process.Start(info)!;
        // The output is a few lines, well within the pipes' buffers: read it once the job is over.
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("mpirun ignored SIGINT: still running after 30 s");
        }
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}\n{output}{errors}");
        Assert.Equal("mpirun: received SIGINT; terminated the job\n", errors);
        foreach (string pid in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Native.AssertGone(int.Parse(pid), TimeSpan.FromSeconds(1));
    }
}
