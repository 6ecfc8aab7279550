using Hpc.Bootstrap;
using Xunit;

namespace Hpc.Tests.Bootstrap;

/// <summary>
/// Direct launch's reading of Slurm's and env://'s variables (<see cref="DirectLaunch"/>), the
/// shared Slurm host list and the per-user key file. Every test uses its own key file.
/// </summary>
public sealed class DirectLaunchTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hpc-direct-").FullName;

    private string KeyPath => Path.Combine(_directory, "keys", "job-secret");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Func<string, string?> Lookup(params (string Name, string Value)[] variables)
    {
        var all = variables.ToDictionary(v => v.Name, v => v.Value);
        all.TryAdd(UserKeyFile.PathVariable, KeyPath);
        return name => all.GetValueOrDefault(name);
    }

    private (string, string)[] SlurmStep(int rank, int node = 0, int local = 0) =>
    [
        ("SLURM_JOB_ID", "1234"), ("SLURM_STEP_ID", "0"), ("SLURM_PROCID", rank.ToString()), ("SLURM_STEP_NUM_TASKS", "4"),
        ("SLURM_NTASKS", "4"), ("SLURM_LOCALID", local.ToString()), ("SLURM_NODEID", node.ToString()),
        ("SLURM_STEP_NODELIST", "hpcn[1-2]"), ("SLURM_STEP_TASKS_PER_NODE", "2(x2)"), ("SLURMD_NODENAME", node == 0 ? "hpcn1" : "hpcn2"),
    ];

    [Fact]
    public void Slurm_step_gives_rank_size_local_rank_host_and_a_shared_coordinator()
    {
        JobEnvironment zero = JobEnvironment.FromVariables(Lookup(SlurmStep(0)));
        JobEnvironment three = JobEnvironment.FromVariables(Lookup(SlurmStep(3, node: 1, local: 1)));

        Assert.Equal((0, 4, 0, 2), (zero.Rank, zero.Size, zero.LocalRank, zero.LocalSize));
        Assert.Equal((3, 4, 1, 2), (three.Rank, three.Size, three.LocalRank, three.LocalSize));
        Assert.Equal("hpcn2", three.NodeName);
        Assert.True(zero.HostsRendezvous);
        Assert.False(three.HostsRendezvous);
        string expected = "hpcn1:" + DirectLaunch.SlurmPort(1234, 0);
        Assert.Equal(expected, zero.RendezvousAddress);
        Assert.Equal(expected, three.RendezvousAddress);
        Assert.Equal(zero.Secret, three.Secret);
        Assert.Equal(zero.JobId, three.JobId);
        Assert.Equal("slurm1234.0", zero.JobId);
        Assert.True(zero.BindsWhereCoordinatorIsReached);
    }

    [Fact]
    public void Slurm_ports_differ_by_step_and_job_and_stay_in_their_range()
    {
        Assert.NotEqual(DirectLaunch.SlurmPort(1234, 0), DirectLaunch.SlurmPort(1234, 1));
        Assert.NotEqual(DirectLaunch.SlurmPort(1234, 0), DirectLaunch.SlurmPort(1235, 0));
        foreach (ulong job in new ulong[] { 0, 1, 99_999, ulong.MaxValue / 64 })
            Assert.InRange(DirectLaunch.SlurmPort(job, 3), DirectLaunch.SlurmPortBase, DirectLaunch.SlurmPortBase + DirectLaunch.SlurmPortCount - 1);
    }

    [Fact]
    public void Secret_depends_on_the_step_and_on_the_key()
    {
        string first = JobEnvironment.FromVariables(Lookup(SlurmStep(0))).Secret!;
        var nextStep = SlurmStep(0).Select(v => v.Item1 == "SLURM_STEP_ID" ? (v.Item1, "1") : v).ToArray();
        Assert.NotEqual(first, JobEnvironment.FromVariables(Lookup(nextStep)).Secret);
        File.Delete(KeyPath);
        Assert.NotEqual(first, JobEnvironment.FromVariables(Lookup(SlurmStep(0))).Secret);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Key_file_is_created_private_and_a_readable_one_is_refused()
    {
        byte[] key = UserKeyFile.ReadOrCreate(KeyPath);
        Assert.True(key.Length >= 32);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        Assert.Equal(key, UserKeyFile.ReadOrCreate(KeyPath));

        File.SetUnixFileMode(KeyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var error = Assert.Throws<HpcException>(() => UserKeyFile.ReadOrCreate(KeyPath));
        Assert.Contains("0644", error.Message);
        Assert.Contains("chmod 600", error.Message);
    }

    [Fact]
    public void Ranks_racing_to_create_the_key_agree_on_one()
    {
        byte[][] keys = new byte[8][];
        Parallel.For(0, keys.Length, i => keys[i] = UserKeyFile.ReadOrCreate(KeyPath));
        Assert.All(keys, k => Assert.Equal(keys[0], k));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(KeyPath)!));
    }

    [Theory]
    [InlineData("4294967294")] // the batch script
    [InlineData("4294967293")] // the extern step
    public void Batch_and_extern_steps_stay_singletons(string step)
    {
        var variables = SlurmStep(0).Select(v => v.Item1 == "SLURM_STEP_ID" ? (v.Item1, step) : v).ToArray();
        Assert.False(JobEnvironment.FromVariables(Lookup(variables)).IsLaunched);
    }

    [Fact]
    public void One_task_step_and_disabled_detection_are_singletons()
    {
        var one = SlurmStep(0).Select(v => v.Item1 is "SLURM_STEP_NUM_TASKS" or "SLURM_NTASKS" ? (v.Item1, "1") : v).ToArray();
        Assert.False(JobEnvironment.FromVariables(Lookup(one)).IsLaunched);
        Assert.False(JobEnvironment.FromVariables(Lookup([.. SlurmStep(1), (DirectLaunch.ModeVariable, "0")])).IsLaunched);
        Assert.False(File.Exists(KeyPath));
    }

    [Fact]
    public void Mpirun_variables_win_over_a_slurm_step()
    {
        JobEnvironment job = JobEnvironment.FromVariables(Lookup([.. SlurmStep(2), ("HPC_RENDEZVOUS", "10.0.0.1:5000"), ("HPC_RANK", "5"),
            ("HPC_SIZE", "8"), ("HPC_JOB_ID", "hpc-1"), ("HPC_JOB_SECRET", "AB")]));
        Assert.Equal((5, 8), (job.Rank, job.Size));
        Assert.Null(job.DirectLaunchSource);
    }

    [Fact]
    public void Mpirun_says_how_many_cores_it_pinned_the_hosts_ranks_to()
    {
        (string, string)[] mpirun = [("HPC_RENDEZVOUS", "10.0.0.1:5000"), ("HPC_RANK", "1"), ("HPC_SIZE", "2"), ("HPC_JOB_ID", "hpc-1"), ("HPC_JOB_SECRET", "AB")];
        Assert.Null(JobEnvironment.FromVariables(Lookup(mpirun)).HostCores);
        Assert.Equal(2, JobEnvironment.FromVariables(Lookup([.. mpirun, ("HPC_HOST_CORES", "2")])).HostCores);
        var error = Assert.Throws<InvalidOperationException>(() => JobEnvironment.FromVariables(Lookup([.. mpirun, ("HPC_HOST_CORES", "0")])));
        Assert.Equal("HPC_HOST_CORES='0' is not an integer >= 1.", error.Message);
    }

    [Fact]
    public void Env_init_reads_hpc_names_then_torchrun_names()
    {
        JobEnvironment hpc = JobEnvironment.FromVariables(Lookup(("HPC_COORDINATOR", "127.0.0.1:29501"), ("HPC_RANK", "1"), ("HPC_SIZE", "3")));
        Assert.Equal((1, 3, 1, 3), (hpc.Rank, hpc.Size, hpc.LocalRank, hpc.LocalSize));
        Assert.Equal("127.0.0.1:29501", hpc.RendezvousAddress);
        Assert.Equal("env-127_0_0_1_29501", hpc.JobId);

        JobEnvironment torch = JobEnvironment.FromVariables(Lookup(("HPC_COORDINATOR", "node1:29501"), ("RANK", "5"), ("WORLD_SIZE", "8"),
            ("LOCAL_RANK", "1"), ("LOCAL_WORLD_SIZE", "4"), ("HPC_JOB_ID", "train-7"), ("HPC_BIND_ADDRESS", "10.1.2.3")));
        Assert.Equal((5, 8, 1, 4), (torch.Rank, torch.Size, torch.LocalRank, torch.LocalSize));
        Assert.Equal("train-7", torch.JobId);
        Assert.False(torch.BindsWhereCoordinatorIsReached);
        Assert.True(JobEnvironment.FromVariables(Lookup(("HPC_COORDINATOR", "node1:29501"), ("RANK", "0"), ("WORLD_SIZE", "8"))).HostsRendezvous);
    }

    [Fact]
    public void Torchrun_variables_alone_start_nothing()
    {
        JobEnvironment job = JobEnvironment.FromVariables(Lookup(("MASTER_ADDR", "node1"), ("MASTER_PORT", "29500"), ("RANK", "1"), ("WORLD_SIZE", "2")));
        Assert.False(job.IsLaunched);
    }

    [Fact]
    public void Given_secret_is_used_without_a_key_file()
    {
        string secret = new('a', 64);
        JobEnvironment job = JobEnvironment.FromVariables(Lookup(("HPC_COORDINATOR", "h:1"), ("HPC_RANK", "0"), ("HPC_SIZE", "2"), ("HPC_JOB_SECRET", secret)));
        Assert.Equal(secret, job.Secret);
        Assert.False(File.Exists(KeyPath));
    }

    [Theory]
    [InlineData("HPC_COORDINATOR", "node1", "HPC_COORDINATOR='node1' is not host:port")]
    [InlineData("HPC_COORDINATOR", "node1:99999", "HPC_COORDINATOR='node1:99999' is not host:port")]
    [InlineData("HPC_RANK", "-1", "HPC_RANK='-1' is not an integer >= 0")]
    [InlineData("HPC_RANK", "4", "HPC_RANK=4 is not below HPC_SIZE=4")]
    [InlineData("HPC_SIZE", "zero", "HPC_SIZE='zero' is not an integer >= 1")]
    [InlineData("HPC_JOB_ID", "a/b", "HPC_JOB_ID='a/b' is not 1 to 64 letters")]
    [InlineData("HPC_JOB_SECRET", "xyz", "HPC_JOB_SECRET is not an even number")]
    [InlineData("HPC_DIRECT_LAUNCH", "maybe", "HPC_DIRECT_LAUNCH='maybe' is not one of: auto, 1, 0")]
    public void Bad_env_init_values_name_the_variable_and_the_valid_values(string name, string value, string message)
    {
        var variables = new Dictionary<string, string> { ["HPC_COORDINATOR"] = "127.0.0.1:29501", ["HPC_RANK"] = "1", ["HPC_SIZE"] = "4" };
        variables[name] = value;
        var error = Assert.Throws<InvalidOperationException>(() => JobEnvironment.FromVariables(Lookup([.. variables.Select(v => (v.Key, v.Value))])));
        Assert.StartsWith(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("SLURM_PROCID", "x", "SLURM_PROCID='x' is not an integer >= 0")]
    [InlineData("SLURM_PROCID", "9", "SLURM_PROCID=9 is not below SLURM_STEP_NUM_TASKS=4")]
    [InlineData("SLURM_JOB_ID", "12a", "SLURM_JOB_ID='12a' is not a whole number")]
    [InlineData("SLURM_STEP_NODELIST", "hpcn[1-", "SLURM_STEP_NODELIST='hpcn[1-' is not a Slurm host list")]
    [InlineData("SLURM_STEP_TASKS_PER_NODE", "2(y2)", "SLURM_STEP_TASKS_PER_NODE='2(y2)' is malformed")]
    [InlineData("SLURM_NODEID", "5", "SLURM_NODEID=5 is not below the 2 nodes")]
    public void Bad_slurm_values_name_the_variable(string name, string value, string message)
    {
        var variables = SlurmStep(1).Select(v => v.Item1 == name ? (v.Item1, value) : v).ToArray();
        var error = Assert.Throws<InvalidOperationException>(() => JobEnvironment.FromVariables(Lookup(variables)));
        Assert.StartsWith(message, error.Message);
    }

    [Theory]
    [InlineData("node[1-3,5]", "node1 node2 node3 node5")]
    [InlineData("a[08-10],b", "a08 a09 a10 b")]
    [InlineData("r[1-2]n[1-2]", "r1n1 r1n2 r2n1 r2n2")]
    public void Shared_host_list_expands_slurm_ranges(string list, string expected) =>
        Assert.Equal(expected.Split(' '), SlurmHostList.Expand(list, "SLURM_STEP_NODELIST"));
}
