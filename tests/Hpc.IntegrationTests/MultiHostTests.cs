using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Hpc.IntegrationTests;

/// <summary>
/// Jobs across three "hosts" made on this machine with network namespaces: each namespace has its
/// own interface (10.77.0.1N/24, joined by a bridge holding mpirun's 10.77.0.1) and, where
/// openssh-server is installed (.ci/run installs it), its own sshd with key login and its own host
/// name; the launch agent is then <c>ssh -F CONFIG</c>, as on a cluster, else a script that enters
/// the namespace with <c>ip netns exec HOST</c>. Ranks reach each other and mpirun only over the
/// network, as on real hosts.
/// </summary>
public sealed class MultiHostTests(NetnsHosts hosts) : IClassFixture<NetnsHosts>
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);

    private string[] JobArgs(params string[] rest) =>
        ["--hostfile", hosts.Hostfile, "--launch-agent", hosts.Agent, "--iface", NetnsHosts.Bridge, .. rest];

    /// <summary>Runs a job, then checks that it left no process in any host and no shared-memory file.</summary>
    private MpirunResult Run(params string[] args)
    {
        using Mpirun mpirun = Mpirun.Start(args, Limit);
        MpirunResult result = mpirun.WaitForExit();
        hosts.AssertNoProcessLeft();
        AssertNoSharedMemoryOf(mpirun.Pid);
        return result;
    }

    /// <summary>
    /// Only this job's files count: other jobs may run on the machine meanwhile. Job ids are
    /// <c>hpc-PID-HEX</c> and the transport's files <c>hpc-JOBID-RANK</c>.
    /// </summary>
    private static void AssertNoSharedMemoryOf(int mpirunPid)
    {
        if (Directory.Exists("/dev/shm"))
            Assert.Empty(Directory.GetFiles("/dev/shm", $"hpc-hpc-{mpirunPid}-*").Concat(Directory.GetFiles("/dev/shm", $"hpc-{mpirunPid}-*")));
    }

    [NetnsTheory]
    [InlineData("p2p", "p2p ok: 6 ranks")]
    [InlineData("allreduce", "allreduce ok: 6 ranks, sum = 21")]
    [InlineData("blocked-waits", "blocked waits ok: 6 ranks")]
    [InlineData("node-aware", "node-aware ok: 6 ranks on 3 hosts, allreduce hierarchical, barrier hierarchical, bcast 1 MiB chain")]
    public void SixRanksOnThreeHostsCheckTheirOwnResults(string scenario, string expected)
    {
        hosts.EnsureUp();
        MpirunResult result = Run(JobArgs("-np", "6", RankPrograms.TestRank, scenario));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(expected, result.Stdout);
    }

    [NetnsFact]
    public void NodeAwareCollectivesWorkWithHostsInterleavedByRank()
    {
        // --map-by node puts ranks 0 and 3 on one host: the host parts are not rank ranges.
        hosts.EnsureUp();
        MpirunResult result = Run(JobArgs("--map-by", "node", "-np", "6", RankPrograms.TestRank, "node-aware"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("node-aware ok: 6 ranks on 3 hosts, allreduce hierarchical, barrier hierarchical, bcast 1 MiB chain", result.Stdout);
    }

    [NetnsFact]
    public void EveryRankRunsInItsPlacedHostWithItsLocalRank()
    {
        hosts.EnsureUp();
        MpirunResult result = Run(JobArgs("--map-by", "node", "-np", "6", "sh", "-c",
            "echo $HPC_RANK $HPC_HOST_NAME $HPC_LOCAL_RANK/$HPC_LOCAL_SIZE $HPC_BIND_ADDRESS $(hostname) $(cat /proc/net/fib_trie | grep -c 10.77.0.1$(( HPC_RANK % 3 + 1 )))"));
        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = [.. result.StdoutLines.Order(StringComparer.Ordinal)];
        Assert.Equal(
            [
                "0 hpcmh-1 0/2 10.77.0.11",
                "1 hpcmh-2 0/2 10.77.0.12",
                "2 hpcmh-3 0/2 10.77.0.13",
                "3 hpcmh-1 1/2 10.77.0.11",
                "4 hpcmh-2 1/2 10.77.0.12",
                "5 hpcmh-3 1/2 10.77.0.13",
            ],
            lines.Select(l => string.Join(' ', l.Split(' ')[..4])));
        // Each rank sees its own host's address among its interfaces: it really runs there.
        Assert.All(lines, l => Assert.NotEqual("0", l.Split(' ')[5]));
        // Started through each host's own sshd, a rank also has that host's name.
        if (hosts.UsesSshd)
            Assert.All(lines, l => Assert.Equal(l.Split(' ')[1], l.Split(' ')[4]));
    }

    [NetnsFact]
    public void RanksOnOneHostShareMemoryAndRanksOnOthersCannot()
    {
        hosts.EnsureUp();
        MpirunResult sameHost = Run(
            "-H", "hpcmh-2:2", "--launch-agent", hosts.Agent, "--iface", NetnsHosts.Bridge, "--transport", "shm", "-np", "2", RankPrograms.TestRank, "p2p");
        Assert.True(sameHost.ExitCode == 0, sameHost.ToString());
        Assert.Contains("p2p ok: 2 ranks", sameHost.Stdout);

        MpirunResult acrossHosts = Run(JobArgs("--transport", "shm", "-np", "6", RankPrograms.TestRank, "p2p"));
        Assert.NotEqual(0, acrossHosts.ExitCode);
        Assert.Matches(@"HPC_TRANSPORT=shm, but rank \d runs on host 'hpcmh-\d', not on 'hpcmh-\d'", acrossHosts.Stderr);
    }

    [NetnsFact]
    public void ARemoteRankThatFailsEndsTheJobWithItsCodeHostAndOutput()
    {
        hosts.EnsureUp();
        MpirunResult result = Run(JobArgs("--map-by", "node", "--tag-output", "-np", "6", "sh", "-c",
            "echo hello from $HPC_RANK; if [ $HPC_RANK = 4 ]; then exit 7; fi; exec sleep 60"));
        Assert.True(result.ExitCode == 7, result.ToString());
        Assert.Matches(@"mpirun: rank 4 \(host hpcmh-2, pid \d+\) exited with code 7; terminating the job", result.Stderr);
        Assert.Contains("[1,4]<stdout>:hello from 4", result.StdoutLines);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(30), result.ToString());
    }

    [NetnsFact]
    public void KillingADaemonEndsTheJobNamingItsHostAndLeavesNoProcess()
    {
        hosts.EnsureUp();
        using Mpirun mpirun = Mpirun.Start(JobArgs("-np", "6", RankPrograms.TestRank, "hang"), Limit);
        for (int i = 0; i < 6; i++)
            mpirun.ReadStdoutLine(TimeSpan.FromSeconds(60));

        int daemon = hosts.DaemonPid("hpcmh-2");
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, Native.Kill(daemon, 9));
        MpirunResult result = mpirun.WaitForExit();

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("mpirun: lost the connection to the daemon on host hpcmh-2", result.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), result.ToString());
        hosts.AssertNoProcessLeft();
        AssertNoSharedMemoryOf(mpirun.Pid);
    }

    [NetnsFact]
    public void DaemonsEndTheirRanksWhenMpirunDies()
    {
        hosts.EnsureUp();
        using Mpirun mpirun = Mpirun.Start(JobArgs("-np", "6", RankPrograms.TestRank, "hang"), Limit);
        for (int i = 0; i < 6; i++)
            mpirun.ReadStdoutLine(TimeSpan.FromSeconds(60));

        mpirun.Signal(9);
        hosts.AssertNoProcessLeft();
    }

    /// <summary>
    /// The hosts each spawned child ran on, by child rank, from the children's own report: the
    /// machine name where each host has its own (sshd), else the address its daemon bound it to.
    /// </summary>
    private string[] ChildHosts(MpirunResult result, int children)
    {
        var hostOf = new string[children];
        foreach (string line in result.StdoutLines)
        {
            Match child = Regex.Match(line, @"^\[2,(\d+)\]<stdout>:child \d+ of \d+ ok: \d+ parents on (\S+) \((\S+)\) as \S+$");
            if (child.Success)
                hostOf[int.Parse(child.Groups[1].Value)] = hosts.UsesSshd ? child.Groups[2].Value : NetnsHosts.HostOfAddress(child.Groups[3].Value);
        }
        return hostOf;
    }

    /// <summary>
    /// Communicator.Spawn in a job over three hosts, mapped by node: the children follow the job's
    /// mapping into the slots its ranks leave free, one per host, started by each host's daemon,
    /// and exchange data with the parents in the three namespaces over TCP.
    /// </summary>
    [NetnsFact]
    public void ParentsOnThreeHostsSpawnChildrenOnThreeHosts()
    {
        hosts.EnsureUp();
        MpirunResult result = Run(JobArgs("--map-by", "node", "--tag-output", "-np", "3", RankPrograms.TestRank, "spawn"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[1,0]<stdout>:spawn ok: 3 parents, 3 children", result.Stdout);
        for (int child = 0; child < 3; child++)
            Assert.Contains($"[2,{child}]<stdout>:child {child} of 3 ok: 3 parents", result.Stdout);
        Assert.Equal(["hpcmh-1", "hpcmh-2", "hpcmh-3"], ChildHosts(result, 3));
    }

    /// <summary>
    /// Children go into the slots the job's ranks leave free, in host order, then round-robin:
    /// one rank on each of two hosts (hpcmh-2's two free slots take two, the third wraps round to
    /// the first host); and the master/worker pattern, one rank spawning onto a host its ranks
    /// leave empty (which has a daemon all the same). Parents and children check their
    /// point-to-point, collective and merged traffic across the intercommunicator
    /// (tests/Hpc.TestRank's "spawn").
    /// </summary>
    [NetnsTheory]
    [InlineData("hpcmh-1:1,hpcmh-2:3", 2, new[] { "hpcmh-1", "hpcmh-2", "hpcmh-2" })]
    [InlineData("hpcmh-1:2,hpcmh-3:2", 1, new[] { "hpcmh-1", "hpcmh-3", "hpcmh-3" })]
    public void SpawnedChildrenFillTheFreeSlotsThenGoRoundRobin(string hostList, int parents, string[] childHosts)
    {
        hosts.EnsureUp();
        MpirunResult result = Run(
            "-H", hostList, "--launch-agent", hosts.Agent, "--iface", NetnsHosts.Bridge, "--tag-output", "-np", $"{parents}", RankPrograms.TestRank, "spawn");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"[1,0]<stdout>:spawn ok: {parents} parents, 3 children", result.Stdout);
        Assert.Equal(childHosts, ChildHosts(result, 3));
    }

    /// <summary>
    /// MPI's host info key (SpawnOptions.Hosts): parents on hpcmh-1 and hpcmh-2 put every child on
    /// hpcmh-3, its two free slots and then round-robin over it alone; a host outside the job's
    /// list fails the Spawn on every parent, naming it.
    /// </summary>
    [NetnsFact]
    public void TheHostKeyPutsTheChildrenOnTheNamedHost()
    {
        hosts.EnsureUp();
        string[] job = ["-H", "hpcmh-1:1,hpcmh-2:1,hpcmh-3:2", "--launch-agent", hosts.Agent, "--iface", NetnsHosts.Bridge, "--tag-output", "-np", "2"];
        MpirunResult result = Run([.. job, RankPrograms.TestRank, "spawn", "host=hpcmh-3"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[1,0]<stdout>:spawn ok: 2 parents, 3 children", result.Stdout);
        Assert.Equal(["hpcmh-3", "hpcmh-3", "hpcmh-3"], ChildHosts(result, 3));

        MpirunResult refused = Run([.. job, RankPrograms.TestRank, "spawn", "host=hpcmh-9"]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Spawn on 'world' failed: host 'hpcmh-9' is not one of the job's hosts (hpcmh-1, hpcmh-2, hpcmh-3)", refused.Stderr);
    }

    [NetnsFact]
    public void AChildFailingOnARemoteHostEndsTheJobNamingItsHost()
    {
        hosts.EnsureUp();
        MpirunResult result = Run(
            "-H", "hpcmh-1:1,hpcmh-2:3", "--launch-agent", hosts.Agent, "--iface", NetnsHosts.Bridge, "--tag-output", "-np", "2", RankPrograms.TestRank, "spawn", "fail");
        Assert.True(result.ExitCode == 1, result.ToString());
        // Child 1 runs on hpcmh-2: its output comes through that host's daemon, tagged as a spawned job's.
        Assert.Contains("[2,1]<stderr>:", result.Stderr);
        Assert.Contains("child 1 fails on purpose", result.Stderr);
        Assert.Matches(@"mpirun: spawned rank 1 of spawn 1 \(host hpcmh-2, pid \d+\) exited with code 1; terminating the job", result.Stderr);
        Assert.DoesNotContain("spawn ok", result.Stdout);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(60), result.ToString());
    }

    [Fact]
    public void ALaunchAgentThatCannotRunIsReportedWithTheHost()
    {
        MpirunResult result = Mpirun.Run(["-H", "hpc-test-nowhere:2", "--launch-agent", "/nonexistent/agent", "--iface", "lo", "sh", "-c", "true"], Limit);
        Assert.True(result.ExitCode == 126, result.ToString());
        Assert.StartsWith("mpirun: cannot start the daemon on host hpc-test-nowhere: cannot run the launch agent '/nonexistent/agent'", result.Stderr);
    }

    [NetnsFact]
    public void AHostWhoseDaemonCannotStartFailsTheJobNamingIt()
    {
        hosts.EnsureUp();
        MpirunResult result = Run(
            "-H", "hpcmh-1,hpcmh-nowhere", "--launch-agent", hosts.Agent, "--iface", NetnsHosts.Bridge, "-np", "2", RankPrograms.TestRank, "p2p");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("mpirun: cannot start the daemon on host hpcmh-nowhere: the launch agent exited with code", result.Stderr);
    }
}

/// <summary>A fact that is reported skipped, with the reason, where network namespaces cannot be made.</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    /// <summary>Skips unless <see cref="Netns.Available"/>.</summary>
    public NetnsFactAttribute()
    {
        if (!Netns.Available(out string why))
            Skip = why;
    }
}

/// <summary>A theory that is reported skipped, with the reason, where network namespaces cannot be made.</summary>
public sealed class NetnsTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless <see cref="Netns.Available"/>.</summary>
    public NetnsTheoryAttribute()
    {
        if (!Netns.Available(out string why))
            Skip = why;
    }
}

/// <summary>Whether this machine lets the tests make network namespaces, found out once by making one.</summary>
public static partial class Netns
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>True when namespaces can be made; otherwise <paramref name="why"/> says why not.</summary>
    public static bool Available(out string why)
    {
        why = Unavailable.Value ?? "";
        return Unavailable.Value is null;
    }

    /// <summary>Runs <c>ip ARGS</c>; returns its exit code and what it printed.</summary>
    public static (int Code, string Output) Ip(params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"ip {string.Join(' ', args)} did not finish within 30 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "network namespaces need Linux";
        if (GetEuid() != 0)
            return "network namespaces need root (the multi-host tests run as root only)";
        string name = "hpcmh-probe-" + Environment.ProcessId;
        try
        {
            (int code, string output) = Ip("netns", "add", name);
            if (code != 0)
                return $"'ip netns add' failed: {output.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"iproute2's 'ip' cannot be run ({e.Message}); install iproute2";
        }
        Ip("netns", "del", name);
        return null;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}

/// <summary>
/// Three namespaces hpcmh-1..3 joined by the bridge <see cref="Bridge"/>, with a hostfile and the
/// launch-agent script, made on first use and always deleted afterwards. A file lock keeps test
/// runs in other processes (the addresses are fixed) from making theirs at the same time.
/// </summary>
public sealed class NetnsHosts : IDisposable
{
    /// <summary>The bridge in the root namespace; mpirun listens on its address, 10.77.0.1.</summary>
    public const string Bridge = "hpcmhbr";

    private static readonly string[] Names = ["hpcmh-1", "hpcmh-2", "hpcmh-3"];
    private const string LockPath = "/tmp/hpc-multihost-tests.lock";

    private readonly object _gate = new();
    private FileStream? _lock;
    private string? _directory;
    private bool _up;

    /// <summary>The hostfile listing the three hosts with 2 slots each.</summary>
    public string Hostfile => Path.Combine(_directory!, "hosts");

    /// <summary>The launch agent: <c>agent HOST COMMAND...</c> runs COMMAND in namespace HOST through a shell, as ssh would.</summary>
    public string Agent => Path.Combine(_directory!, "agent");

    /// <summary>
    /// True when each host runs a real OpenSSH server (Debian's openssh-server: key login, its own
    /// host name through <c>unshare --uts</c>) and <see cref="Agent"/> is <c>ssh -F CONFIG</c>, as on
    /// a cluster; false where sshd is not installed, and the agent then enters the namespace
    /// directly with <c>ip netns exec</c>.
    /// </summary>
    public bool UsesSshd { get; private set; }

    private readonly List<int> _sshdPids = [];

    private static bool SshdAvailable() =>
        File.Exists("/usr/sbin/sshd") && new[] { "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/bin/unshare" }.All(File.Exists);

    /// <summary>Keys, one sshd per namespace (listening on its own address only) and the ssh agent script.</summary>
    private void StartSshd(string directory)
    {
        var script = new System.Text.StringBuilder();
        script.Append($"""
            set -e
            d='{directory}'
            ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
            ssh-keygen -q -t ed25519 -N '' -f "$d/user_key"
            cp "$d/user_key.pub" "$d/authorized_keys"
            chmod 600 "$d/authorized_keys"
            mkdir -p /run/sshd
            : > "$d/ssh_config"

            """);
        for (int i = 0; i < Names.Length; i++)
        {
            string ns = Names[i], address = $"10.77.0.1{i + 1}";
            script.Append($"""
                printf '%s\n' 'ListenAddress {address}' "HostKey $d/host_key" "AuthorizedKeysFile $d/authorized_keys" "PidFile $d/sshd-{i}.pid" \
                  'PermitRootLogin prohibit-password' 'PasswordAuthentication no' 'KbdInteractiveAuthentication no' 'UsePAM no' 'StrictModes no' 'LogLevel ERROR' > "$d/sshd_config-{i}"
                ip netns exec {ns} unshare --uts sh -c "hostname {ns} && exec /usr/sbin/sshd -f $d/sshd_config-{i}"
                printf '%s\n' 'Host {ns}' '  HostName {address}' '  User root' "  IdentityFile $d/user_key" '  IdentitiesOnly yes' \
                  '  StrictHostKeyChecking no' '  UserKnownHostsFile /dev/null' '  LogLevel ERROR' '  BatchMode yes' >> "$d/ssh_config"

                """);
        }
        script.Append($"""
            printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$d/ssh_config" > '{Agent}'
            """);
        (int code, string output) = Shell(script.ToString());
        if (code != 0)
            throw new InvalidOperationException($"starting sshd in the namespaces failed: {output.Trim()}");
        for (int i = 0; i < Names.Length; i++)
        {
            string pidFile = Path.Combine(directory, $"sshd-{i}.pid");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            // Ready once a login answers with the host's own name.
            while (Shell($"ssh -F '{directory}/ssh_config' {Names[i]} hostname").Output.Trim() != Names[i])
            {
                if (DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"sshd in {Names[i]} does not answer ssh");
                Thread.Sleep(100);
            }
            _sshdPids.Add(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static (int Code, string Output) Shell(string script)
    {
        var info = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "the command did not finish within 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The host whose address is <paramref name="address"/> (10.77.0.1N is hpcmh-N), or the address itself.</summary>
    public static string HostOfAddress(string address) =>
        Enumerable.Range(0, Names.Length).FirstOrDefault(i => address == $"10.77.0.1{i + 1}", -1) is int i and >= 0 ? Names[i] : address;

    /// <summary>Makes the namespaces unless they exist already.</summary>
    public void EnsureUp()
    {
        lock (_gate)
        {
            if (_up)
                return;
            _lock = AcquireLock();
            // Also called when the process ends abruptly (a test host killed by its runner).
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TearDown();
            try
            {
                RemoveAll();
                MustRun("link", "add", Bridge, "type", "bridge");
                MustRun("addr", "add", "10.77.0.1/24", "dev", Bridge);
                MustRun("link", "set", Bridge, "up");
                for (int i = 0; i < Names.Length; i++)
                {
                    string ns = Names[i], veth = "hpcmhv" + (i + 1);
                    MustRun("netns", "add", ns);
                    MustRun("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
                    MustRun("link", "set", veth, "master", Bridge, "up");
                    MustRun("-n", ns, "addr", "add", $"10.77.0.1{i + 1}/24", "dev", "eth0");
                    MustRun("-n", ns, "link", "set", "eth0", "up");
                    MustRun("-n", ns, "link", "set", "lo", "up");
                }
                _directory = Directory.CreateTempSubdirectory("hpc-multihost-").FullName;
                File.WriteAllText(Hostfile, string.Concat(Names.Select(n => n + " slots=2\n")));
                UsesSshd = SshdAvailable();
                if (UsesSshd)
                    StartSshd(_directory);
                else
                    File.WriteAllText(Agent, "#!/bin/sh\nhost=\"$1\"; shift\nexec ip netns exec \"$host\" sh -c \"$*\"\n");
                if (OperatingSystem.IsLinux())
                    File.SetUnixFileMode(Agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                _up = true;
            }
            catch
            {
                TearDown();
                throw;
            }
        }
    }

    /// <summary>The pid of the daemon (the dotnet process, not the agent's shell) in namespace <paramref name="host"/>.</summary>
    public int DaemonPid(string host)
    {
        foreach (int pid in Pids(host))
        {
            string[] argv;
            try
            {
                argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            }
            catch (IOException)
            {
                continue;
            }
            if (Path.GetFileName(argv[0]) == "dotnet" && argv.Contains("--daemon"))
                return pid;
        }
        throw new InvalidOperationException($"no daemon runs in {host}");
    }

    /// <summary>Fails unless every namespace is empty of processes within a few seconds.</summary>
    public void AssertNoProcessLeft()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            // The hosts' sshd listeners stay; their per-login children must be gone.
            string[] left = [.. Names.SelectMany(n => Pids(n).Where(p => !_sshdPids.Contains(p)).Select(p => $"{n}: {Describe(p)}"))];
            if (left.Length == 0)
                return;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("processes left in the namespaces:\n" + string.Join('\n', left));
            Thread.Sleep(50);
        }
    }

    /// <inheritdoc />
    public void Dispose() => TearDown();

    private void TearDown()
    {
        lock (_gate)
        {
            if (_lock is null)
                return;
            try
            {
                RemoveAll();
                if (_directory is not null)
                    Directory.Delete(_directory, recursive: true);
            }
            finally
            {
                _up = false;
                _sshdPids.Clear();
                _directory = null;
                _lock.Dispose();
                _lock = null;
            }
        }
    }

    /// <summary>Kills whatever runs in the namespaces, then deletes them and the bridge (also leftovers of a crashed run).</summary>
    private static void RemoveAll()
    {
        foreach (string ns in Names)
        {
            foreach (int pid in Pids(ns))
                Native.Kill(pid, 9);
            Netns.Ip("netns", "del", ns);
        }
        Netns.Ip("link", "del", Bridge);
    }

    private static int[] Pids(string ns)
    {
        (int code, string output) = Netns.Ip("netns", "pids", ns);
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

    private static void MustRun(params string[] args)
    {
        (int code, string output) = Netns.Ip(args);
        if (code != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {output.Trim()}");
    }

    private static FileStream AcquireLock()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
