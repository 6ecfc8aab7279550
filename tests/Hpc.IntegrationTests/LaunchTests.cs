namespace Hpc.IntegrationTests;

/// <summary>Successful jobs: identity, environment, output forwarding, argument passing.</summary>
public sealed class LaunchTests
{
    [Fact]
    public void EveryRankGetsItsRank()
    {
        MpirunResult result = Mpirun.Run("-np", "4", "sh", "-c", "echo $HPC_RANK");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["0", "1", "2", "3"], result.StdoutLines.Order());
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public void RanksSeeTheWholeEnvironmentContract()
    {
        MpirunResult result = Mpirun.Run("-n", "2", "sh", "-c",
            "echo $HPC_RANK $HPC_SIZE $HPC_LOCAL_RANK $HPC_LOCAL_SIZE $HPC_RENDEZVOUS $HPC_JOB_ID ${#HPC_JOB_SECRET}");

        Assert.True(result.ExitCode == 0, result.ToString());
        string[][] lines = [.. result.StdoutLines.Order().Select(l => l.Split(' '))];
        Assert.Equal(2, lines.Length);
        for (int rank = 0; rank < 2; rank++)
        {
            Assert.Equal([$"{rank}", "2", $"{rank}", "2"], lines[rank][..4]);
            Assert.Matches(@"^127\.0\.0\.1:\d+$", lines[rank][4]);
            Assert.Matches(@"^hpc-\d+-[0-9a-f]{8}$", lines[rank][5]);
            Assert.Equal("64", lines[rank][6]);
        }
        Assert.Equal(lines[0][4..], lines[1][4..]);
    }

    [Fact]
    public void ExportsGivenAndInheritedVariables()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", "-x", "FOO=bar", "-x", "HOME", "-x", "EMPTY=", "sh", "-c", "echo \"$FOO|$HOME|${EMPTY-unset}\""],
            Mpirun.DefaultLimit, environment: new Dictionary<string, string?> { ["HOME"] = "/home/test-home" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["bar|/home/test-home|", "bar|/home/test-home|"], result.StdoutLines);
    }

    [Fact]
    public void ExportOfAnUnsetVariableWarnsAndGoesOn()
    {
        MpirunResult result = Mpirun.Run(["-np", "1", "-x", "HPC_TEST_NOT_SET", "sh", "-c", "echo ${HPC_TEST_NOT_SET-unset}"],
            Mpirun.DefaultLimit, environment: new Dictionary<string, string?> { ["HPC_TEST_NOT_SET"] = null });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("unset\n", result.Stdout);
        Assert.Contains("-x HPC_TEST_NOT_SET: HPC_TEST_NOT_SET is not set", result.Stderr);
    }

    [Fact]
    public void JobOptionsBecomeEnvironmentVariables()
    {
        string tune = Path.GetTempFileName();
        try
        {
            MpirunResult result = Mpirun.Run(["-np", "1", "--coll", "allreduce=ring", "--tune", tune, "--transport", "tcp", "--check",
                "--oversubscribe", "sh", "-c", "echo \"$HPC_COLL|$HPC_TUNE_FILE|$HPC_TRANSPORT|$HPC_CHECK\""], Mpirun.DefaultLimit);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal($"allreduce=ring|{tune}|tcp|1\n", result.Stdout);
        }
        finally
        {
            File.Delete(tune);
        }
    }

    [Fact]
    public void TagOutputPrefixesEveryLineWithJobAndRank()
    {
        MpirunResult result = Mpirun.Run("-np", "2", "--tag-output", "sh", "-c", "echo a$HPC_RANK; echo b$HPC_RANK; echo e$HPC_RANK >&2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["[1,0]<stdout>:a0", "[1,0]<stdout>:b0", "[1,1]<stdout>:a1", "[1,1]<stdout>:b1"], result.StdoutLines.Order());
        Assert.Equal(["[1,0]<stderr>:e0", "[1,1]<stderr>:e1"], result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public void ArgumentsAfterTheProgramArePassedUnchanged()
    {
        MpirunResult result = Mpirun.Run("-np", "2", "sh", "-c", "echo \"$@\"", "x", "--help", "-n", "3", "-x", "A B");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["--help -n 3 -x A B", "--help -n 3 -x A B"], result.StdoutLines);
    }

    [Fact]
    public void LinesOfConcurrentRanksNeverMix()
    {
        // Each rank writes 2000 long lines as fast as it can; a torn or interleaved line would
        // not match the pattern.
        MpirunResult result = Mpirun.Run("-np", "4", "sh", "-c",
            "i=0; while [ $i -lt 2000 ]; do echo \"rank$HPC_RANK-line$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-end\"; i=$((i+1)); done");

        Assert.True(result.ExitCode == 0, result.ToString()[..Math.Min(2000, result.ToString().Length)]);
        string[] lines = result.StdoutLines;
        Assert.Equal(8000, lines.Length);
        Assert.All(lines, line => Assert.Matches(@"^rank[0-3]-line\d+-x+-end$", line));
        for (int rank = 0; rank < 4; rank++)
        {
            // Per rank, order is preserved.
            int[] numbers = [.. lines.Where(l => l.StartsWith($"rank{rank}-")).Select(l => int.Parse(l.Split('-')[1][4..]))];
            Assert.Equal(Enumerable.Range(0, 2000), numbers);
        }
    }

    [Fact]
    public void RanksReadAnEmptyStdin()
    {
        MpirunResult result = Mpirun.Run("-np", "2", "sh", "-c", "cat; echo done");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["done", "done"], result.StdoutLines);
    }

    [Fact]
    public void OutputWithoutFinalNewlineIsForwardedWhole()
    {
        MpirunResult result = Mpirun.Run("-np", "1", "sh", "-c", "printf 'no newline'; printf 'err tail' >&2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("no newline\n", result.Stdout);
        Assert.Equal("err tail\n", result.Stderr);
    }

    [Fact]
    public void BackgroundChildrenOfASuccessfulJobAreNotLeftBehind()
    {
        MpirunResult result = Mpirun.Run("-np", "1", "sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(10), result.ToString());
        Native.AssertGone(int.Parse(result.StdoutLines[0]), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void VersionAndHelpExitZero()
    {
        MpirunResult version = Mpirun.Run("--version");
        MpirunResult help = Mpirun.Run("--help");

        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^mpirun \(Hpc.Launcher\) \d+\.\d+\.\d+", version.Stdout);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Usage: dotnet mpirun -np N PROGRAM [ARGS...]", help.Stdout);
        Assert.Contains("--tag-output", help.Stdout);
    }
}
