using System.Runtime.InteropServices;
using Hpc.Launcher;

namespace Hpc.IntegrationTests;

/// <summary>mpirun's everyday Open MPI options, through the real launcher and real ranks.</summary>
public sealed class LauncherOptionTests
{
    [Fact]
    public void MpmdRunsEachProgramOnItsRanksInOrder()
    {
        MpirunResult result = Mpirun.Run("-np", "1", "sh", "-c", "echo a $HPC_RANK $HPC_SIZE $OMPI_APPNUM", ":",
            "-np", "3", "sh", "-c", "echo b $HPC_RANK $HPC_SIZE $OMPI_APPNUM");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["a 0 4 0", "b 1 4 1", "b 2 4 1", "b 3 4 1"], result.StdoutLines.Order());
    }

    [Fact]
    public void MpmdRanksOfAnHpcProgramFormOneWorld()
    {
        MpirunResult result = Mpirun.Run("-np", "1", RankPrograms.TestRank, "allreduce", ":", "-np", "2", RankPrograms.TestRank, "allreduce");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("allreduce ok: 3 ranks, sum = 6", result.Stdout);
    }

    [Fact]
    public void EveryRankGetsTheOpenMpiAndPmiVariables()
    {
        MpirunResult result = Mpirun.Run("-np", "2", "sh", "-c",
            "echo $OMPI_COMM_WORLD_RANK $OMPI_COMM_WORLD_SIZE $OMPI_COMM_WORLD_LOCAL_RANK $OMPI_COMM_WORLD_LOCAL_SIZE $PMI_RANK $PMI_SIZE $MPI_LOCALRANKID $MPI_LOCALNRANKS");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["0 2 0 2 0 2 0 2", "1 2 1 2 1 2 1 2"], result.StdoutLines.Order());
    }

    [Fact]
    public void RanksGetTheCollectorDefaultsThatMinusXOverrides()
    {
        const string Print = "echo $DOTNET_GCLOHThreshold $DOTNET_GCName";
        MpirunResult byDefault = Mpirun.Run("-np", "1", "sh", "-c", Print);
        MpirunResult overridden = Mpirun.Run("-np", "1", "-x", "DOTNET_GCLOHThreshold=0x30000", "-x", "DOTNET_GCName=libclrgcexp.so", "sh", "-c", Print);

        // This machine's runtime ships the segments collector (Linux, .NET 7 and later).
        Assert.True(File.Exists(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), RankEnvironment.SegmentsCollector)));
        Assert.True(byDefault.ExitCode == 0, byDefault.ToString());
        Assert.Equal([$"{RankEnvironment.LargeObjectThreshold} {RankEnvironment.SegmentsCollector}"], byDefault.StdoutLines);
        Assert.True(overridden.ExitCode == 0, overridden.ToString());
        Assert.Equal(["0x30000 libclrgcexp.so"], overridden.StdoutLines);
    }

    [Fact]
    public void RanksCompileLoopsOptimizedAtOnceUnlessMinusXSaysOtherwise()
    {
        const string Print = "echo \"[$DOTNET_TC_QuickJitForLoops]\"";
        MpirunResult byDefault = Mpirun.Run("-np", "1", "sh", "-c", Print);
        MpirunResult overridden = Mpirun.Run("-np", "1", "-x", "DOTNET_TC_QuickJitForLoops=1", "sh", "-c", Print);

        Assert.True(byDefault.ExitCode == 0, byDefault.ToString());
        Assert.Equal(["[0]"], byDefault.StdoutLines);
        Assert.True(overridden.ExitCode == 0, overridden.ToString());
        Assert.Equal(["[1]"], overridden.StdoutLines);
    }

    private const string ReadOneLine = "if read line; then echo \"$HPC_RANK got $line\"; else echo \"$HPC_RANK got EOF\"; fi";

    [Theory]
    [InlineData(null, "0 got hello", "1 got EOF")]
    [InlineData("1", "0 got EOF", "1 got hello")]
    [InlineData("all", "0 got hello", "1 got hello")]
    [InlineData("none", "0 got EOF", "1 got EOF")]
    public void StdinGoesToRankZeroOrWhereStdinSays(string? target, string rank0, string rank1)
    {
        List<string> args = target is null ? [] : ["--stdin", target];
        args.AddRange(["-np", "2", "sh", "-c", ReadOneLine]);
        MpirunResult result = Mpirun.Run(args, Mpirun.DefaultLimit, stdin: "hello\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([rank0, rank1], result.StdoutLines.Order());
    }

    [Fact]
    public void BindToCorePinsEachRankToItsOwnCore()
    {
        IReadOnlyList<CpuSet> cores = CpuBinding.Plan(BindTo.Core, 1, oversubscribe: false);
        Assert.NotEmpty(cores); // Linux always has at least one core to bind to
        int np = Math.Min(2, CpuBinding.Plan(BindTo.Core, 1, true).Count == 0 ? 1 : CoreCount());
        IReadOnlyList<CpuSet> expected = CpuBinding.Plan(BindTo.Core, np, oversubscribe: false);

        // The rank reads its own affinity back from the kernel.
        MpirunResult result = Mpirun.Run("--bind-to", "core", "--report-bindings", "-np", np.ToString(), "sh", "-c",
            "echo $HPC_RANK $(grep Cpus_allowed_list /proc/$$/status | cut -f2)");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([.. Enumerable.Range(0, np).Select(r => $"{r} {expected[r].ListText}")], result.StdoutLines.Order());
        for (int rank = 0; rank < np; rank++)
            Assert.Matches($@"mpirun: rank {rank} \(pid \d+\) bound to core {rank}: cpus {expected[rank].ListText}\n", result.Stderr);
        if (np == 2)
            Assert.NotEqual(expected[0].ListText, expected[1].ListText);
    }

    [Fact]
    public void ByDefaultRanksArePinnedToACoreEachWhenTheHostHasOneForEach()
    {
        int cores = CoreCount();
        int np = Math.Min(2, cores);
        IReadOnlyList<CpuSet> expected = CpuBinding.Plan(BindTo.Core, np, oversubscribe: false);
        // No --bind-to: each rank on a core of its own, told how many cores the host's ranks have.
        MpirunResult pinned = Mpirun.Run("-np", np.ToString(), "sh", "-c",
            "echo $HPC_RANK $(grep Cpus_allowed_list /proc/$$/status | cut -f2) $HPC_HOST_CORES");
        Assert.True(pinned.ExitCode == 0, pinned.ToString());
        int hostCpus = expected.SelectMany(c => c.Cpus).Distinct().Count();
        Assert.Equal([.. Enumerable.Range(0, np).Select(r => $"{r} {expected[r].ListText} {hostCpus}")], pinned.StdoutLines.Order());

        // More ranks than cores: nobody is pinned (no error either), and the ranks count the host's cores themselves.
        string all = CpuBinding.FormatList([.. expected.SelectMany(c => c.Cpus).Concat(CpuBinding.Plan(BindTo.Core, cores, false).SelectMany(c => c.Cpus)).Distinct().Order()]);
        MpirunResult unpinned = Mpirun.Run("--report-bindings", "-np", (cores + 1).ToString(), "sh", "-c",
            "echo $(grep Cpus_allowed_list /proc/$$/status | cut -f2) cores=$HPC_HOST_CORES");
        Assert.True(unpinned.ExitCode == 0, unpinned.ToString());
        Assert.All(unpinned.StdoutLines, line => Assert.Equal($"{all} cores=", line));
        Assert.Matches(@"mpirun: rank 0 \(pid \d+\) not bound\n", unpinned.Stderr);

        MpirunResult none = Mpirun.Run("--bind-to", "none", "-np", np.ToString(), "sh", "-c", "grep Cpus_allowed_list /proc/$$/status | cut -f2");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.All(none.StdoutLines, line => Assert.Equal(all, line));
    }

    private static int CoreCount()
    {
        for (int n = 64; n > 1; n--)
        {
            try
            {
                CpuBinding.Plan(BindTo.Core, n, oversubscribe: false);
                return n;
            }
            catch (UsageException)
            {
            }
        }
        return 1;
    }

    [Fact]
    public void BindToCoreRefusesMoreRanksThanCores()
    {
        int cores = CoreCount();
        MpirunResult result = Mpirun.Run("--bind-to", "core", "-np", (cores + 1).ToString(), "sh", "-c", "echo started");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"mpirun: --bind-to core: {cores + 1} ranks on this host but only {cores} core{(cores == 1 ? "" : "s")} to bind to (use fewer ranks, --bind-to none or --oversubscribe)\n", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void DisplayMapListsTheHostsAndTheirRanks()
    {
        MpirunResult result = Mpirun.Run("--display-map", "-H", "localhost:3", "-np", "3", "sh", "-c", "echo $HPC_HOST_NAME");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("mpirun: job map: 3 ranks on 1 host\nmpirun:   host localhost (slots 3): ranks 0-2\n", result.Stderr);
        Assert.Equal(["localhost", "localhost", "localhost"], result.StdoutLines);
    }

    [Fact]
    public void OutputFilenameWritesOpenMpisLayoutInsteadOfTheTerminal()
    {
        string directory = Path.Combine(Path.GetTempPath(), "hpc-out-" + Guid.NewGuid().ToString("N"));
        try
        {
            MpirunResult result = Mpirun.Run("--output-filename", directory, "-np", "2", "sh", "-c", "echo out $HPC_RANK; echo err $HPC_RANK >&2");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("", result.Stdout);
            Assert.Equal("", result.Stderr);
            for (int rank = 0; rank < 2; rank++)
            {
                Assert.Equal($"out {rank}\n", File.ReadAllText(Path.Combine(directory, "1", $"rank.{rank}", "stdout")));
                Assert.Equal($"err {rank}\n", File.ReadAllText(Path.Combine(directory, "1", $"rank.{rank}", "stderr")));
            }
        }
        finally
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void MergeStderrToStdoutSendsBothToStdoutTagged()
    {
        MpirunResult result = Mpirun.Run("--merge-stderr-to-stdout", "--tag-output", "-np", "1", "sh", "-c", "echo one; echo two >&2");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        Assert.Equal(["[1,0]<stdout>:one", "[1,0]<stdout>:two"], result.StdoutLines.Order());
    }

    [Fact]
    public void TimestampOutputPrefixesEveryLine()
    {
        MpirunResult result = Mpirun.Run("--timestamp-output", "--tag-output", "-np", "1", "sh", "-c", "echo a; echo b");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, result.StdoutLines.Length);
        foreach (string line in result.StdoutLines)
            Assert.Matches(@"^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\]\[1,0\]<stdout>:[ab]$", line);
    }

    [Theory]
    [InlineData("-wdir")]
    [InlineData("--wdir")]
    [InlineData("-wd")]
    public void WdirIsTheRanksWorkingDirectory(string option)
    {
        string directory = Path.GetFullPath(Path.GetTempPath()).TrimEnd('/');
        MpirunResult result = Mpirun.Run([option, directory, "-np", "2", "sh", "-c", "pwd -P"], Mpirun.DefaultLimit, workingDirectory: "/");

        Assert.True(result.ExitCode == 0, result.ToString());
        string expected = new DirectoryInfo(directory).ResolveLinkTarget(true)?.FullName ?? directory;
        Assert.Equal([expected, expected], result.StdoutLines);
    }

    [Fact]
    public void AllowRunAsRootIsAccepted()
    {
        MpirunResult result = Mpirun.Run("--allow-run-as-root", "-np", "1", "sh", "-c", "echo ok");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("ok\n", result.Stdout);
    }

    [Fact]
    public void MpiexecTakesMpichsHostsAndPpn()
    {
        string hostfile = Path.Combine(Path.GetTempPath(), "hpc-hosts-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(hostfile, "localhost\n");
        try
        {
            Assert.Equal(["0 localhost 2", "1 localhost 2"], Mpiexec("-hosts", "localhost", "-ppn", "2", "sh", "-c", "echo $HPC_RANK $HPC_HOST_NAME $HPC_SIZE"));
            Assert.Equal(["0 localhost 3", "1 localhost 3", "2 localhost 3"], Mpiexec("-f", hostfile, "-ppn", "3", "sh", "-c", "echo $HPC_RANK $HPC_HOST_NAME $HPC_SIZE"));
        }
        finally
        {
            File.Delete(hostfile);
        }
    }

    private static string[] Mpiexec(params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(ProgramResolver.FindDotnetHost())
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(RankPrograms.Mpiexec);
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(info)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("mpiexec did not finish");
        }
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {stderr.Result}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order()];
    }
}
