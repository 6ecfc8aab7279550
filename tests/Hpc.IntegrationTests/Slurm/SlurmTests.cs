using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Hpc.IntegrationTests;

/// <summary>
/// Jobs on a real Slurm cluster made on this machine (<see cref="SlurmCluster"/>: slurmctld on a
/// bridge, one slurmd per network-namespace host), started as a Slurm user starts them:
/// <c>salloc … dotnet mpirun</c>, an <c>sbatch</c> script, and <c>srun</c> direct launch with no mpirun.
/// </summary>
public sealed class SlurmTests(SlurmCluster cluster) : IClassFixture<SlurmCluster>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private static string Launcher => Path.Combine(Path.GetDirectoryName(RankPrograms.TestRank)!.Replace(
        Path.Combine("tests", "Hpc.TestRank"), Path.Combine("launcher", "Hpc.Launcher")), "Hpc.Launcher.dll");

    [SlurmFact]
    public void Salloc_runs_dotnet_mpirun_across_two_hosts()
    {
        cluster.EnsureUp();
        var (code, output) = cluster.Run($"salloc -N2 -n4 dotnet '{Launcher}' '{RankPrograms.TestRank}' allreduce", Limit);
        Assert.True(code == 0, output);
        Assert.Contains("allreduce ok: 4 ranks, sum = 10", output);
        cluster.AssertNothingLeft();
    }

    [SlurmFact]
    public void Sbatch_script_runs_dotnet_mpirun_and_its_output_lands_in_the_file()
    {
        cluster.EnsureUp();
        string script = Path.Combine(cluster.Directory, "job.sh");
        string output = Path.Combine(cluster.Directory, "job-out.txt");
        File.WriteAllText(script, $"#!/bin/sh\n#SBATCH -N2 -n4\n#SBATCH -o {output}\nexec dotnet '{Launcher}' '{RankPrograms.TestRank}' identity\n");
        var (code, text) = cluster.Run($"sbatch --wait '{script}'", Limit);
        Assert.True(code == 0, text + (File.Exists(output) ? File.ReadAllText(output) : ""));
        string job = File.ReadAllText(output);
        var lines = Regex.Matches(job, @"rank (\d) of 4 on (hpcsl-\d)").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Equal(["0", "1", "2", "3"], lines.Select(l => l.Item1).Order());
        Assert.Equal(["hpcsl-1", "hpcsl-2"], lines.Select(l => l.Item2).Distinct().Order());
        cluster.AssertNothingLeft();
    }

    [SlurmFact]
    public void Srun_direct_launch_wires_up_without_mpirun()
    {
        cluster.EnsureUp();
        var (code, output) = cluster.Run($"srun -N2 -n4 dotnet '{RankPrograms.TestRank}' allreduce", Limit);
        Assert.True(code == 0, output);
        Assert.Contains("allreduce ok: 4 ranks, sum = 10", output);
        (code, output) = cluster.Run($"srun -N2 -n4 dotnet '{RankPrograms.TestRank}' identity", Limit);
        Assert.True(code == 0, output);
        foreach (string line in new[] { "rank 0 of 4 on hpcsl-1", "rank 1 of 4 on hpcsl-1", "rank 2 of 4 on hpcsl-2", "rank 3 of 4 on hpcsl-2" })
            Assert.Contains(line, output);
        cluster.AssertNothingLeft();
    }

    [SlurmFact]
    public void A_daemon_killed_mid_job_ends_the_job_naming_its_host()
    {
        cluster.EnsureUp();
        using Process job = cluster.Start($"salloc -N2 -n4 dotnet '{Launcher}' '{RankPrograms.TestRank}' allreduce-forever", out Func<string> output);
        try
        {
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (Regex.Matches(output(), @"rank \d pid").Count < 4)
            {
                Assert.True(DateTime.UtcNow < deadline && !job.HasExited, "the job did not start its 4 ranks:\n" + output());
                Thread.Sleep(100);
            }
            int daemon = cluster.DaemonPid("hpcsl-2");
            Native.Kill(daemon, 9);
            Assert.True(job.WaitForExit((int)Limit.TotalMilliseconds), "the job did not end after its daemon was killed:\n" + output());
            job.WaitForExit();
            Assert.NotEqual(0, job.ExitCode);
            Assert.Contains("hpcsl-2", output());
        }
        finally
        {
            if (!job.HasExited)
                job.Kill(entireProcessTree: true);
        }
        cluster.AssertNothingLeft();
    }
}

/// <summary>Skips unless root, network namespaces, and Slurm and munge (Debian's slurm-wlm and munge) are there.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    /// <summary>Skips with the reason when the cluster cannot be made.</summary>
    public SlurmFactAttribute()
    {
        if (!Netns.Available(out string why))
            Skip = why;
        else if (new[] { "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/srun", "/usr/bin/unshare" }.FirstOrDefault(p => !File.Exists(p)) is { } missing)
            Skip = $"{missing} is missing: install Debian's slurm-wlm and munge (.ci/run does, as root)";
    }
}

/// <summary>
/// A two-host Slurm cluster (slurm-cluster.sh: munged, slurmctld on 10.78.0.1, <c>slurmd -N hpcsl-N</c>
/// inside each namespace, configs under a test-owned directory given as <c>SLURM_CONF</c>), made on
/// first use, shared by the Slurm tests and always torn down afterwards.
/// </summary>
public sealed class SlurmCluster : IDisposable
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Slurm", "slurm-cluster.sh");
    private readonly object _gate = new();
    private bool _up;

    /// <summary>The cluster's directory: slurm.conf, logs, state, the job key file.</summary>
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("hpc-slurm-").FullName;

    /// <summary>Brings the cluster up unless it is.</summary>
    public void EnsureUp()
    {
        lock (_gate)
        {
            if (_up)
                return;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
            var (code, output) = Run($"bash '{Script}' up '{Directory}'", TimeSpan.FromSeconds(60));
            if (code != 0)
            {
                Run($"bash '{Script}' down '{Directory}'", TimeSpan.FromSeconds(30));
                throw new InvalidOperationException("the Slurm cluster did not come up: " + output + Logs());
            }
            _up = true;
        }
    }

    private string Logs() =>
        string.Concat(System.IO.Directory.GetFiles(Directory, "*.log").Select(f => $"\n== {f}\n{string.Join('\n', File.ReadAllLines(f).TakeLast(15))}"));

    /// <summary>Starts <paramref name="command"/> under sh with the cluster's SLURM_CONF; <paramref name="output"/> reads stdout and stderr so far.</summary>
    public Process Start(string command, out Func<string> output)
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment["SLURM_CONF"] = Path.Combine(Directory, "slurm.conf");
        // The direct-launch key of these jobs lives with the cluster, not in the user's home.
        info.Environment["HPC_SECRET_FILE"] = Path.Combine(Directory, "job-secret");
        foreach (string name in info.Environment.Keys.Where(k => k.StartsWith("SLURM_", StringComparison.Ordinal) && k != "SLURM_CONF").ToList())
            info.Environment.Remove(name);
        var text = new System.Text.StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = () => { lock (text) return text.ToString(); };
        return process;
    }

    /// <summary>Runs <paramref name="command"/> to its end (killed at <paramref name="limit"/>).</summary>
    public (int Code, string Output) Run(string command, TimeSpan limit)
    {
        using Process process = Start(command, out Func<string> output);
        if (!process.WaitForExit((int)limit.TotalMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"'{command}' did not finish within {limit.TotalSeconds} s:\n{output()}");
        }
        process.WaitForExit();
        return (process.ExitCode, output());
    }

    /// <summary>The pid of mpirun's daemon (a dotnet process with <c>--daemon</c>) in namespace <paramref name="host"/>.</summary>
    public int DaemonPid(string host)
    {
        foreach (int pid in Pids(host))
        {
            try
            {
                string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
                if (Path.GetFileName(argv[0]) == "dotnet" && argv.Contains("--daemon"))
                    return pid;
            }
            catch (IOException)
            {
            }
        }
        throw new InvalidOperationException($"no mpirun daemon runs in {host}");
    }

    /// <summary>Fails unless, within 20 s, no job is queued and nothing but slurmd runs in the hosts.</summary>
    public void AssertNothingLeft()
    {
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var slurmd = System.IO.Directory.GetFiles(Directory, "slurmd-*.pid").Select(f => int.Parse(File.ReadAllText(f).Trim())).ToHashSet();
            string[] left = [.. new[] { "hpcsl-1", "hpcsl-2" }.SelectMany(h => Pids(h).Where(p => !slurmd.Contains(p)).Select(p => $"{h}: {Describe(p)}"))];
            string queue = Run("squeue -h", TimeSpan.FromSeconds(20)).Output.Trim();
            if (left.Length == 0 && queue.Length == 0)
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("left behind:\n" + string.Join('\n', left) + "\nqueue: " + queue);
            Thread.Sleep(200);
        }
    }

    private int[] Pids(string host)
    {
        var (code, output) = Run($"ip netns pids {host}", TimeSpan.FromSeconds(10));
        return code != 0 ? [] : [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)];
    }

    private static string Describe(int pid)
    {
        try
        {
            return pid + " " + File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return pid + " (gone)";
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (System.IO.Directory.Exists(Directory))
            {
                Run($"bash '{Script}' down '{Directory}'", TimeSpan.FromSeconds(30));
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            _up = false;
        }
    }
}
