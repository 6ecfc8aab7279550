using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

/// <summary>The host options of the command line: which hosts, how many ranks, which agent.</summary>
public class HostOptionsTests
{
    private static JobSpec Parse(IReadOnlyDictionary<string, string>? environment, params string[] argv)
    {
        CommandLineOutcome outcome = CommandLineParsing.Parse(argv, name => environment?.GetValueOrDefault(name));
        return Assert.IsType<RunJob>(outcome).Spec;
    }

    private static JobSpec Parse(params string[] argv) => Parse(null, argv);

    private static string Layout(JobSpec spec) =>
        string.Join(",", Enumerable.Range(0, spec.Ranks).Select(spec.Placement!.HostOf));

    [Fact]
    public void WithoutHostsEveryRankRunsHere()
    {
        JobSpec spec = Parse("-np", "3", "prog");
        Assert.Null(spec.Placement);
        Assert.Equal(LaunchAgent.Ssh, spec.Agent);
    }

    [Fact]
    public void HostListAndMapBy()
    {
        JobSpec spec = Parse("-H", "a:2,b:2", "-np", "4", "prog");
        Assert.Equal("a,a,b,b", Layout(spec));
        spec = Parse("--host", "a:2,b:2", "--map-by", "node", "-np", "4", "prog");
        Assert.Equal("a,b,a,b", Layout(spec));
        spec = Parse("-host", "a:2", "-H", "b:2", "--map-by=NODE", "-np", "3", "prog");
        Assert.Equal("a,b,a", Layout(spec));
    }

    [Fact]
    public void WithoutNpTheJobFillsEverySlot()
    {
        Assert.Equal(5, Parse("-H", "a:2,b:3", "prog").Ranks);
    }

    [Fact]
    public void AHostfileIsReadRelativeToTheCurrentDirectory()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "a slots=1\nb slots=2 max_slots=3\n");
            JobSpec spec = Parse("--hostfile", file, "--oversubscribe", "-np", "5", "prog");
            Assert.Equal("a,a,b,b,b", Layout(spec));
            Assert.Equal("a,b,b", Layout(Parse("--machinefile", file, "prog")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("10 ranks requested but the hosts provide only 8 slots (use --oversubscribe)", "-H", "a:4,b:4", "-np", "10", "prog")]
    [InlineData("--map-by must be slot, node, ppr:N:node or ppr:N:core (got 'core')", "-H", "a", "--map-by", "core", "prog")]
    [InlineData("give --hostfile or -H, not both", "-H", "a", "--hostfile", "x", "prog")]
    [InlineData("hostfile '/nonexistent/h' not found", "--hostfile", "/nonexistent/h", "prog")]
    [InlineData("--launch-agent expects a command such as ssh (got ' ')", "--launch-agent", " ", "prog")]
    public void HostErrorsAreUsageErrors(string message, params string[] argv)
    {
        var error = Assert.Throws<UsageException>(() => CommandLineParsing.Parse(argv, _ => null));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void InsideASlurmAllocationItsHostsAndTaskCountAreUsed()
    {
        var slurm = new Dictionary<string, string>
        {
            ["SLURM_JOB_NODELIST"] = "node[01-02]",
            ["SLURM_TASKS_PER_NODE"] = "2(x2)",
            ["SLURM_NTASKS"] = "3",
            ["PATH"] = "/nonexistent",
        };
        JobSpec spec = Parse(slurm, "prog");
        Assert.Equal(3, spec.Ranks);
        Assert.Equal("node01,node01,node02", Layout(spec));
        Assert.False(spec.Agent!.IsSrun); // srun is not on this PATH

        // An explicit host list wins over the allocation.
        Assert.Equal("x", Layout(Parse(slurm, "-H", "x", "prog")));
    }

    [Fact]
    public void InsideASlurmAllocationSrunOnThePathIsTheLaunchAgent()
    {
        string bin = Directory.CreateTempSubdirectory("hpc-srun-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(bin, "srun"), "#!/bin/sh\n");
            var slurm = new Dictionary<string, string> { ["SLURM_JOB_NODELIST"] = "n1,n2", ["PATH"] = bin };
            JobSpec spec = Parse(slurm, "prog");
            Assert.True(spec.Agent!.IsSrun);
            Assert.Equal([Path.Combine(bin, "srun"), "--nodes=1", "--ntasks=1", "--cpu-bind=none", "--mpi=none", "--nodelist=n2", "cmd", "a b"],
                spec.Agent.CommandFor("n2", ["cmd", "a b"]));
            // The user's agent wins.
            Assert.False(Parse(slurm, "--launch-agent", "ssh -p 2222", "prog").Agent!.IsSrun);
        }
        finally
        {
            Directory.Delete(bin, recursive: true);
        }
    }

    [Fact]
    public void IfaceComesFromTheOptionOrHpcIface()
    {
        Assert.Equal("eth1", Parse("--iface", "eth1", "prog").Iface);
        Assert.Equal("ib0", Parse(new Dictionary<string, string> { ["HPC_IFACE"] = "ib0" }, "prog").Iface);
        Assert.Equal("eth1", Parse(new Dictionary<string, string> { ["HPC_IFACE"] = "ib0" }, "--iface", "eth1", "prog").Iface);
        Assert.Null(Parse("prog").Iface);
    }

    [Fact]
    public void AnRshStyleAgentGetsTheHostThenTheCommandQuotedForTheRemoteShell()
    {
        LaunchAgent agent = LaunchAgent.Parse("ssh -p 2222");
        Assert.Equal(["ssh", "-p", "2222", "node1", "/usr/bin/dotnet", "'/my dir/x.dll'", "--job-id", "hpc-1-ab", "'it'\\''s'", "''"],
            agent.CommandFor("node1", ["/usr/bin/dotnet", "/my dir/x.dll", "--job-id", "hpc-1-ab", "it's", ""]));
    }
}
