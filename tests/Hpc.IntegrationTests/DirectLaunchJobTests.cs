using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hpc.IntegrationTests;

/// <summary>
/// Direct launch through env:// (no mpirun): the test is the external launcher, starting each
/// rank as its own process with only HPC_COORDINATOR, HPC_RANK and HPC_SIZE (and a private key
/// file) set, as torchrun or a job script would.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DirectLaunchJobTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("hpc-envinit-").FullName;
    private readonly string _jobId = "envtest-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        foreach (string leftover in Directory.Exists("/dev/shm") ? Directory.GetFiles("/dev/shm", $"hpc-{_jobId}-*") : [])
            File.Delete(leftover);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <paramref name="size"/> ranks of the test program and waits for all of them (killing all at the limit).</summary>
    private (int ExitCode, string Output)[] RunRanks(int size, string scenario, Func<int, (string, string)[]>? extra = null)
    {
        int port = FreePort();
        var processes = new Process[size];
        var outputs = new System.Text.StringBuilder[size];
        try
        {
            for (int rank = 0; rank < size; rank++)
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add(RankPrograms.TestRank);
                start.ArgumentList.Add(scenario);
                // Nothing of a surrounding launcher leaks in: only what env:// defines.
                foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("HPC_", StringComparison.Ordinal) || k.StartsWith("SLURM_", StringComparison.Ordinal)
                             || k is "RANK" or "WORLD_SIZE" or "LOCAL_RANK" or "LOCAL_WORLD_SIZE").ToList())
                    start.Environment.Remove(name);
                start.Environment["HPC_COORDINATOR"] = "127.0.0.1:" + port;
                start.Environment["HPC_RANK"] = rank.ToString();
                start.Environment["HPC_SIZE"] = size.ToString();
                start.Environment["HPC_JOB_ID"] = _jobId;
                start.Environment["HPC_SECRET_FILE"] = Path.Combine(_directory, "job-secret");
                foreach ((string name, string value) in extra?.Invoke(rank) ?? [])
                {
                    // An empty value takes the variable away (to start ranks with other names for the same thing).
                    if (value.Length == 0)
                        start.Environment.Remove(name);
                    else
                        start.Environment[name] = value;
                }
                var output = outputs[rank] = new System.Text.StringBuilder();
                var process = processes[rank] = new Process { StartInfo = start };
                process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
                process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }
            DateTime deadline = DateTime.UtcNow + Limit;
            foreach (Process process in processes)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !process.WaitForExit(left))
                    Assert.Fail($"direct-launch ranks still running after {Limit.TotalSeconds} s:\n" + string.Join("\n", outputs.Select(o => o.ToString())));
                process.WaitForExit(); // drains the output readers
            }
            return [.. processes.Select((p, r) => (p.ExitCode, outputs[r].ToString()))];
        }
        finally
        {
            foreach (Process? process in processes)
            {
                if (process is null)
                    continue;
                try
                {
                    if (!process.HasExited)
                        process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
                process.Dispose();
            }
        }
    }

    [Fact]
    public void Ranks_started_with_only_env_init_variables_allreduce_correctly()
    {
        var results = RunRanks(3, "allreduce");
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        Assert.Contains("allreduce ok: 3 ranks, sum = 6", results[0].Output);
        Assert.True(File.Exists(Path.Combine(_directory, "job-secret")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, "job-secret")));
        Assert.Empty(Directory.GetFiles("/dev/shm", $"hpc-{_jobId}-*"));
    }

    [Fact]
    public void Ranks_on_pretended_hosts_wire_up_over_tcp_and_allreduce()
    {
        // Different host names per rank: shared memory is off between them, so TCP carries everything.
        var results = RunRanks(2, "allreduce", rank => [("HPC_HOST_NAME", "envhost" + rank)]);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Output));
        Assert.Contains("allreduce ok: 2 ranks, sum = 3", results[0].Output);
    }

    [Fact]
    public void A_rank_that_dies_ends_every_rank_and_is_named()
    {
        var results = RunRanks(3, "throw");
        Assert.All(results, r => Assert.NotEqual(0, r.ExitCode));
        Assert.Contains("rank 2 on", results[0].Output);
        Assert.Contains("ended before Finalize", results[0].Output);
        // Rank 1 ends by rank 0's KILL (137) or, if rank 0 is gone first, by its lost control channel.
        Assert.True(results[1].ExitCode == 137 || results[1].Output.Contains("lost the connection to rank 0"), results[1].Output);
    }

    [Fact]
    public void An_Init_failure_of_a_rank_named_by_torchruns_variables_names_that_rank()
    {
        // torchrun's RANK / WORLD_SIZE instead of HPC_RANK / HPC_SIZE, and a setting Init refuses.
        var results = RunRanks(2, "identity", rank =>
            [("HPC_RANK", ""), ("HPC_SIZE", ""), ("RANK", rank.ToString()), ("WORLD_SIZE", "2"), ("HPC_EAGER_LIMIT", "lots")]);
        for (int rank = 0; rank < 2; rank++)
        {
            Assert.True(results[rank].ExitCode == 1, results[rank].Output);
            Assert.Matches($@"^hpc: rank {rank}: Mpi.Init failed: HPC_EAGER_LIMIT='lots' is not a byte count", results[rank].Output);
        }
    }

    [Fact]
    public void A_key_file_others_can_read_is_refused_with_one_line()
    {
        string key = Path.Combine(_directory, "job-secret");
        File.WriteAllText(key, new string('a', 64));
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var results = RunRanks(2, "identity");
        Assert.All(results, r =>
        {
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("has mode 0640, readable by other users; run 'chmod 600", r.Output);
            Assert.DoesNotContain("   at ", r.Output);
        });
    }
}
