using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>
/// One run of N ranks from spawn to the last drained byte: starts the rendezvous server and the
/// ranks, waits for the first event that decides the job's fate, ends every process, and turns
/// that event into one message and the launcher's exit code.
/// </summary>
/// <remarks>
/// Ranks placed on this machine are its children; those placed on other hosts are started there by
/// a per-host daemon (<see cref="RemoteHost"/>), which mpirun supervises like a rank: losing it
/// ends the job.
/// <para>
/// Failure is total: the first rank to fail (non-zero exit, signal, Abort) ends the whole job,
/// as in MPI, and the launcher reports only that first cause; the deaths it then inflicts on the
/// other ranks are consequences, not news. Whatever way <see cref="Run"/> is left, no process
/// started for the job and no <c>/dev/shm</c> file of the job is left behind.
/// </para>
/// </remarks>
internal sealed class Job : IDisposable
{
    /// <summary>Exit code when <c>--timeout</c> expires: GNU timeout's, so scripts treat both alike.</summary>
    public const int TimeoutExitCode = 124;

    /// <summary>Exit code when the operating system refuses to start a rank (a shell's "cannot execute").</summary>
    public const int CannotExecuteExitCode = 126;

    /// <summary>How long ranks get between SIGTERM and SIGKILL when the job is ended.</summary>
    public static readonly TimeSpan TerminationGrace = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan QueryWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan LastWordsLimit = TimeSpan.FromMilliseconds(500);

    private readonly JobSpec _spec;
    private readonly ResolvedProgram _program;
    private readonly OutputSink _sink;
    private readonly Action<string> _log;
    private readonly string _secret = RendezvousProtocol.NewSecret();
    private readonly string _hostName = Environment.MachineName;
    private readonly RendezvousServer _server;
    private readonly IRankProcess?[] _ranks;
    private readonly JobNetwork _network;
    private readonly Dictionary<string, RemoteHost> _remoteHosts = new(StringComparer.Ordinal);
    private DaemonServer? _daemonServer;
    private readonly TaskCompletionSource<Ending> _ending = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopTimer = new();
    private readonly object _lock = new();
    private readonly HashSet<int> _leftWithoutPublishing = [];
    private Task? _termination;
    private int _cleanExits;

    /// <summary>Prepares a job; nothing runs until <see cref="Run"/>.</summary>
    public Job(JobSpec spec, ResolvedProgram program, OutputSink sink, JobNetwork? network = null)
    {
        _spec = spec;
        _network = network ?? new JobNetwork([], System.Net.IPAddress.Loopback);
        _program = program;
        _sink = sink;
        _log = spec.Verbose ? sink.Message : static _ => { };
        JobId = "hpc-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-"
            + RandomNumberGenerator.GetHexString(8, lowercase: true);
        _ranks = new IRankProcess?[spec.Ranks];
        _server = new RendezvousServer(spec.Ranks, _secret, _log, _network.Address);
    }

    /// <summary>The job's identifier, <c>hpc-&lt;launcher pid&gt;-&lt;8 random hex digits&gt;</c>.</summary>
    public string JobId { get; }

    /// <summary>Runs the job to its end and returns the launcher's exit code.</summary>
    public int Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>
    /// Last resort for an unhandled exception on another thread: kills every process of the job
    /// at once, synchronously, because the process is about to die.
    /// </summary>
    public void EmergencyKill()
    {
        foreach (RemoteHost host in _remoteHosts.Values)
            host.SendKill("mpirun is failing");
        foreach (IRankProcess? rank in _ranks)
            rank?.Kill();
        KillRemainingAsync().Wait(TimeSpan.FromSeconds(2));
        CleanSharedMemory();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopTimer.Cancel();
        _server.Dispose();
        _daemonServer?.Dispose();
        foreach (RemoteHost host in _remoteHosts.Values)
            host.Dispose();
        foreach (IRankProcess? rank in _ranks)
            rank?.Dispose();
        _stopTimer.Dispose();
    }

    private async Task<int> RunAsync()
    {
        var registrations = new List<PosixSignalRegistration>();
        try
        {
            foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            {
                registrations.Add(PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true;
                    _ending.TrySetResult(new Interrupted(SignalNumber(context.Signal)));
                }));
            }

            _server.RankConnected += OnRankConnected;
            _server.AbortRequested += (rank, code, text) => _ending.TrySetResult(new Aborted(rank, code, text));
            _server.Start();
            bool subreaper = ProcessTree.BecomeSubreaper();
            _log($"job {JobId}: {_spec.Ranks} rank(s) of {_program.Description}; rendezvous at {_server.Address}"
                + (subreaper ? "" : " (no subreaper: orphans of ranks cannot be collected)"));

            StartRanks();
            if (_spec.Timeout is { } timeout)
                _ = Task.Delay(timeout, _stopTimer.Token).ContinueWith(
                    _ => _ending.TrySetResult(new TimedOut()), TaskContinuationOptions.OnlyOnRanToCompletion);

            Ending ending = await _ending.Task.ConfigureAwait(false);
            _stopTimer.Cancel();
            _log($"job {JobId}: ending ({ending})");
            return await FinishAsync(ending).ConfigureAwait(false);
        }
        finally
        {
            // Reached with an exception too: the ranks must not outlive the launcher.
            try
            {
                TerminateAsync("launcher exiting").Wait(TimeSpan.FromSeconds(5));
            }
            finally
            {
                CleanSharedMemory();
                foreach (PosixSignalRegistration registration in registrations)
                    registration.Dispose();
            }
        }
    }

    private void StartRanks()
    {
        Placement? placement = _spec.Placement;
        if (placement is not null && _network.SpansHosts)
            StartRemoteHosts(placement);
        for (int rank = 0; rank < _spec.Ranks; rank++)
        {
            if (placement is not null && !_network.IsLocal[placement.HostIndexOf(rank)])
                continue;
            try
            {
                RankProcess process = RankProcess.Start(rank, _program, _spec.ProgramArgs, RankEnvironment(rank), _sink, _spec.TagOutput);
                _ranks[rank] = process;
                _log($"started rank {rank} as pid {process.Pid}");
                _ = WatchAsync(process);
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
            {
                _ending.TrySetResult(new StartFailed(rank, e.Message));
                return;
            }
        }
    }

    /// <summary>
    /// Starts a daemon on every other host through the launch agent; each spawns its host's ranks
    /// once it has connected back and proved the secret.
    /// </summary>
    private void StartRemoteHosts(Placement placement)
    {
        for (int h = 0; h < placement.Hosts.Count; h++)
        {
            if (_network.IsLocal[h])
                continue;
            string name = placement.Hosts[h].Name;
            var host = new RemoteHost(name, _secret, _sink, _spec.TagOutput, _log);
            host.Failed += (lost, message, code) => _ending.TrySetResult(new HostLost(lost.Name, message, code));
            host.RankStartFailed += (rank, reason) => _ending.TrySetResult(new StartFailed(rank, reason));
            foreach (int rank in placement.RanksOn(h))
            {
                // The daemon adds the secret itself, so it never crosses the network, and the
                // address its host is reached on, which only it knows.
                RemoteRank remote = host.AddRank(rank, [.. RankEnvironment(rank)
                    .Where(v => v.Key is not (JobEnvironment.SecretVariable or JobEnvironment.BindAddressVariable))]);
                _ranks[rank] = remote;
                _ = WatchAsync(remote);
            }
            _remoteHosts[name] = host;
        }

        _daemonServer = new DaemonServer(_network.Address, _secret, _remoteHosts, _log);
        _daemonServer.Start();
        LaunchAgent agent = _spec.Agent ?? LaunchAgent.Ssh;
        string launcherDll = typeof(Job).Assembly.Location;
        string dotnet = ProgramResolver.FindDotnetHost();
        foreach (RemoteHost host in _remoteHosts.Values)
        {
            var daemon = new DaemonCommand(JobId, _daemonServer.Address, host.Name, _spec.Verbose);
            host.Start(agent.CommandFor(host.Name, daemon.ToArguments(dotnet, launcherDll)), _program, _spec.ProgramArgs);
        }
    }

    private List<KeyValuePair<string, string>> RankEnvironment(int rank)
    {
        string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        return
        [
            .. _spec.Environment,
            new(JobEnvironment.RankVariable, Text(rank)),
            new(JobEnvironment.SizeVariable, Text(_spec.Ranks)),
            // Without a host list every rank is local.
            new(JobEnvironment.LocalRankVariable, Text(_spec.Placement?.LocalRankOf(rank) ?? rank)),
            new(JobEnvironment.LocalSizeVariable, Text(_spec.Placement?.LocalSizeOf(rank) ?? _spec.Ranks)),
            new(JobEnvironment.RendezvousVariable, _server.Address),
            new(JobEnvironment.JobIdVariable, JobId),
            new(JobEnvironment.SecretVariable, _secret),
            // Ranks decide who shares their host (shared memory) by this name, not by their
            // machine's: placement is what the user asked for, and containers or network
            // namespaces can give different hosts the same machine name.
            .. _spec.Placement is { } placement ? [new(JobEnvironment.HostNameVariable, placement.HostOf(rank))] : Array.Empty<KeyValuePair<string, string>>(),
            .. _network.SpansHosts ? [new(JobEnvironment.BindAddressVariable, _network.Address.ToString())] : Array.Empty<KeyValuePair<string, string>>(),
        ];
    }

    private async Task WatchAsync(IRankProcess rank)
    {
        await rank.Exited.ConfigureAwait(false);
        int code = rank.ExitCode;
        _log($"rank {rank.Rank} (pid {rank.Pid}) exited with code {code}");

        // Read what the rank said just before exiting (ABORT, FINALIZED, PUBLISH) before judging
        // the exit: an ABORT must be reported as such, not as the exit it caused.
        await _server.WaitClosedAsync(rank.Rank, LastWordsLimit).ConfigureAwait(false);

        if (code != 0)
        {
            // Ctrl-C reaches the ranks too (same process group); give the launcher's own signal
            // handler the chance to report the interrupt rather than a rank's death by it.
            if (SignalOf(code) is 1 or 2 or 3 or 15)
                await Task.Delay(200).ConfigureAwait(false);
            _ending.TrySetResult(new RankExited(rank.Rank, code));
            return;
        }

        if (_server.HasConnected(rank.Rank) && !_server.IsFinalized(rank.Rank))
            _log($"rank {rank.Rank} exited with code 0 without calling Finalize");

        lock (_lock)
        {
            // An Hpc program waits in Init for every rank's endpoint: a rank gone without
            // publishing means the others can never start, so end the job now instead of hanging.
            if (!_server.HasPublished(rank.Rank) && !_server.TableSent)
            {
                _leftWithoutPublishing.Add(rank.Rank);
                if (_server.AnyConnected)
                {
                    _ending.TrySetResult(new LeftBeforeWireUp(rank.Rank));
                    return;
                }
            }
        }

        if (Interlocked.Increment(ref _cleanExits) == _spec.Ranks)
            _ending.TrySetResult(new Completed());
    }

    private void OnRankConnected(int rank)
    {
        lock (_lock)
        {
            if (_leftWithoutPublishing.Count > 0)
                _ending.TrySetResult(new LeftBeforeWireUp(_leftWithoutPublishing.Min()));
        }
    }

    private async Task<int> FinishAsync(Ending ending)
    {
        switch (ending)
        {
            case Completed:
                await TerminateAsync("job completed").ConfigureAwait(false);
                await DrainAsync().ConfigureAwait(false);
                return 0;

            case TimedOut:
            {
                string?[] answers = await _server.QueryAsync(QueryWait).ConfigureAwait(false);
                var lines = new List<string> { $"job timed out after {_spec.TimeoutText} s; rank states:" };
                for (int rank = 0; rank < _spec.Ranks; rank++)
                {
                    IRankProcess? process = _ranks[rank];
                    string state = process is { HasExited: true } ? $"exited with code {process.ExitCode}"
                        : process is null ? "not started"
                        : answers[rank] ?? "no answer";
                    lines.Add($"  rank {rank}: {state}");
                }
                foreach (string line in lines)
                    _sink.Message(line);
                await TerminateAsync("timeout").ConfigureAwait(false);
                await DrainAsync().ConfigureAwait(false);
                return TimeoutExitCode;
            }

            default:
            {
                bool othersRunning = _ranks.Any(r => r is { HasExited: false });
                await TerminateAsync("job failed").ConfigureAwait(false);
                // The cause goes last, after the ranks' own output, where a reader looks first.
                await DrainAsync().ConfigureAwait(false);
                (string message, int exitCode) = Describe(ending);
                // Only an unexpected death needs the consequence spelled out; Abort and signals imply it.
                bool explain = othersRunning && ending is RankExited or LeftBeforeWireUp or StartFailed or HostLost;
                _sink.Message(message + (explain ? "; terminating the job" : ""));
                return exitCode;
            }
        }
    }

    private (string Message, int ExitCode) Describe(Ending ending)
    {
        switch (ending)
        {
            case RankExited(int rank, int code):
                return SignalOf(code) is int killer
                    ? ($"{Who(rank)} was killed by signal {killer} ({SignalName(killer)})", code)
                    : ($"{Who(rank)} exited with code {code}", code);
            case Aborted(int rank, int code, string text):
                // An Abort must never look like success, nor wrap around to it modulo 256.
                return ($"{Who(rank)} called Abort({code}): {text}", code is >= 1 and <= 255 ? code : 1);
            case LeftBeforeWireUp(int rank):
                return ($"{Who(rank)} exited with code 0 without publishing its endpoint, so the other ranks cannot start", 1);
            case Interrupted(int signal):
                return ($"received {SignalName(signal)}; terminated the job", 128 + signal);
            case StartFailed(int rank, string reason):
                return ($"cannot start rank {rank} ('{_program.FileName}'): {reason}", CannotExecuteExitCode);
            case HostLost(_, string message, int code):
                return (message, code);
            default:
                return ($"job ended: {ending}", 1);
        }
    }

    private string Who(int rank)
    {
        string pid = _ranks[rank] is { Pid: > 0 } process ? process.Pid.ToString(CultureInfo.InvariantCulture) : "?";
        return $"rank {rank} (host {_server.HostOf(rank) ?? _spec.Placement?.HostOf(rank) ?? _hostName}, pid {pid})";
    }

    /// <summary>
    /// Ends every process of the job: KILL over the rendezvous, SIGTERM to every descendant,
    /// <see cref="TerminationGrace"/> for the ranks to exit, then SIGKILL to whatever is left.
    /// Idempotent: later callers await the first call.
    /// </summary>
    private Task TerminateAsync(string reason)
    {
        lock (_lock)
            return _termination ??= Task.Run(() => TerminateCoreAsync(reason));
    }

    private async Task TerminateCoreAsync(string reason)
    {
        IRankProcess[] ranks = [.. _ranks.Where(r => r is not null).Select(r => r!)];
        if (ranks.Any(r => !r.HasExited))
            await _server.SendKillAsync(reason, TimeSpan.FromMilliseconds(200)).ConfigureAwait(false);
        // Each daemon ends its host's ranks (and whatever they left behind) and then disconnects.
        foreach (RemoteHost host in _remoteHosts.Values)
            host.SendKill(reason);
        Task daemonsGone = Task.WhenAll(_remoteHosts.Values.Select(h => h.Closed));

        if (OperatingSystem.IsLinux())
        {
            // A launch agent and what runs under it are left to the daemon's orderly end (an agent
            // like `ip netns exec` keeps the daemon on this machine); SIGKILL below catches stragglers.
            var agents = new HashSet<int>(_remoteHosts.Values.Where(h => h.AgentPid > 0)
                .SelectMany(h => ProcessTree.Descendants(h.AgentPid).Select(e => e.Pid).Append(h.AgentPid)));
            foreach (ProcessTree.Entry entry in ProcessTree.Descendants(Environment.ProcessId))
            {
                if (!entry.IsZombie && !agents.Contains(entry.Pid))
                    ProcessTree.Signal(entry.Pid, ProcessTree.SigTerm);
            }
            await Task.WhenAny(Task.WhenAll(ranks.Select(r => r.Exited)), Task.Delay(TerminationGrace)).ConfigureAwait(false);
        }
        // A daemon takes the same grace for its ranks, plus the round trip to report them.
        await Task.WhenAny(daemonsGone, Task.Delay(TerminationGrace + TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        foreach (IRankProcess rank in ranks)
            rank.Kill();
        await KillRemainingAsync().ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(ranks.Select(r => r.Exited)), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
    }

    /// <summary>SIGKILLs every live descendant and reaps orphaned zombies until none is left.</summary>
    private async Task KillRemainingAsync()
    {
        if (!OperatingSystem.IsLinux())
            return;
        int self = Environment.ProcessId;
        // Children that Process objects wait for (local ranks, launch agents) must not be reaped here.
        var rankPids = new HashSet<int>(_ranks.OfType<RankProcess>().Select(r => r.Pid)
            .Concat(_remoteHosts.Values.Select(h => h.AgentPid)));
        for (int attempt = 0; attempt < 40; attempt++)
        {
            bool anyAlive = false;
            foreach (ProcessTree.Entry entry in ProcessTree.Descendants(self))
            {
                if (!entry.IsZombie)
                {
                    anyAlive = true;
                    _log($"killing pid {entry.Pid}");
                    ProcessTree.Signal(entry.Pid, ProcessTree.SigKill);
                }
                else if (entry.ParentPid == self && !rankPids.Contains(entry.Pid))
                {
                    // An orphan re-parented to us: nobody else will wait() for it.
                    ProcessTree.Reap(entry.Pid);
                }
            }
            if (!anyAlive)
                return;
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private async Task DrainAsync()
    {
        Task[] drains = [.. _ranks.Where(r => r is not null).Select(r => r!.OutputDrained),
            .. _remoteHosts.Values.Select(h => h.AgentOutputDrained)];
        Task all = Task.WhenAll(drains);
        if (await Task.WhenAny(all, Task.Delay(DrainLimit)).ConfigureAwait(false) != all)
            _log("some output pipes stayed open after every process ended; not waiting for them");
    }

    /// <summary>
    /// Deletes the job's shared-memory files. The transport names them <c>hpc-&lt;jobid&gt;*</c>;
    /// files named by the job id alone are taken too, since the id already starts with <c>hpc-</c>.
    /// </summary>
    private void CleanSharedMemory()
    {
        const string directory = "/dev/shm";
        if (!Directory.Exists(directory))
            return;
        foreach (string pattern in new[] { "hpc-" + JobId + "*", JobId + "*" })
        {
            try
            {
                foreach (string file in Directory.EnumerateFiles(directory, pattern))
                {
                    try
                    {
                        File.Delete(file);
                        _log($"removed {file}");
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        _sink.Message($"cannot remove {file}: {e.Message}");
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _log($"cannot list {directory}: {e.Message}");
            }
        }
    }

    /// <summary>The signal that killed a process, from .NET's 128+N exit code on Unix, or null.</summary>
    /// <remarks>A program that itself exits with 129..192 is indistinguishable from a signal death and is reported as one.</remarks>
    internal static int? SignalOf(int exitCode) => exitCode is > 128 and <= 128 + 64 ? exitCode - 128 : null;

    /// <summary>Linux's name for signal <paramref name="signal"/>, e.g. <c>SIGKILL</c>.</summary>
    internal static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP", 2 => "SIGINT", 3 => "SIGQUIT", 4 => "SIGILL", 5 => "SIGTRAP", 6 => "SIGABRT",
        7 => "SIGBUS", 8 => "SIGFPE", 9 => "SIGKILL", 10 => "SIGUSR1", 11 => "SIGSEGV", 12 => "SIGUSR2",
        13 => "SIGPIPE", 14 => "SIGALRM", 15 => "SIGTERM", 16 => "SIGSTKFLT", 17 => "SIGCHLD", 18 => "SIGCONT",
        19 => "SIGSTOP", 20 => "SIGTSTP", 21 => "SIGTTIN", 22 => "SIGTTOU", 23 => "SIGURG", 24 => "SIGXCPU",
        25 => "SIGXFSZ", 26 => "SIGVTALRM", 27 => "SIGPROF", 28 => "SIGWINCH", 29 => "SIGIO", 30 => "SIGPWR",
        31 => "SIGSYS",
        _ => "SIGRT" + signal.ToString(CultureInfo.InvariantCulture),
    };

    private static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        _ => 15,
    };

    /// <summary>What decided the job's end; the first one reported wins.</summary>
    private abstract record Ending;
    private sealed record Completed : Ending;
    private sealed record RankExited(int Rank, int ExitCode) : Ending;
    private sealed record Aborted(int Rank, int Code, string Text) : Ending;
    private sealed record LeftBeforeWireUp(int Rank) : Ending;
    private sealed record Interrupted(int Signal) : Ending;
    private sealed record TimedOut : Ending;
    private sealed record StartFailed(int Rank, string Reason) : Ending;
    private sealed record HostLost(string Host, string Message, int ExitCode) : Ending;
}
