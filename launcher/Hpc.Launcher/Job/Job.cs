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
internal sealed partial class Job : IDisposable
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
    private readonly IReadOnlyList<ResolvedProgram> _programs;
    private readonly IReadOnlyList<CpuSet> _binding;
    // Distinct CPU sets among the pinned ranks: below their count when --oversubscribe wrapped around.
    private readonly int _pinnedCores;
    private readonly RankOutput[] _outputs;
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

    /// <summary>
    /// Prepares a job; nothing runs until <see cref="Run"/>. <paramref name="programs"/> holds the
    /// resolved program of every app context of <paramref name="spec"/>; <paramref name="binding"/>
    /// the CPUs of every local rank of this host, by local rank (empty: no binding).
    /// </summary>
    /// <exception cref="IOException">An <c>--output-filename</c> directory cannot be created.</exception>
    public Job(JobSpec spec, IReadOnlyList<ResolvedProgram> programs, OutputSink sink, JobNetwork? network = null,
        IReadOnlyList<CpuSet>? binding = null)
    {
        _spec = spec;
        _network = network ?? new JobNetwork([], System.Net.IPAddress.Loopback);
        _programs = programs;
        _binding = binding ?? [];
        // What the wait path compares its ranks with, as Environment.ProcessorCount would count them
        // unpinned: the CPUs the host's ranks may use together (a socket binding shares them).
        _pinnedCores = _binding.SelectMany(cpus => cpus.Cpus).Distinct().Count();
        _sink = sink;
        _outputs = [.. Enumerable.Range(0, spec.Ranks).Select(rank => new RankOutput(rank, spec.Output, sink))];
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
        foreach (IRankProcess child in SpawnedProcesses())
            child.Kill();
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
        foreach (RankOutput output in _outputs)
            output.Dispose();
        foreach (SpawnedWorld world in SpawnedWorlds())
        {
            world.Server.Dispose();
            foreach (IRankProcess? child in world.Processes)
                child?.Dispose();
            foreach (RankOutput output in world.Outputs)
                output.Dispose();
        }
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
                    _ending.TrySetResult(new Interrupted(Signals.Number(context.Signal)));
                }));
            }

            _server.RankConnected += OnRankConnected;
            _server.AbortRequested += (rank, code, text) => _ending.TrySetResult(new Aborted(rank, code, text));
            _server.FailRequested += (rank, text) => _ending.TrySetResult(new Failed(rank, text));
            ServeSpawns(_server);
            _server.Start();
            bool subreaper = ProcessTree.BecomeSubreaper();
            _log($"job {JobId}: {_spec.Ranks} rank(s) of {string.Join(", ", _programs.Select(p => p.Description))}; rendezvous at {_server.Address}"
                + (subreaper ? "" : " (no subreaper: orphans of ranks cannot be collected)"));

            if (_spec.DisplayMap)
            {
                foreach (string line in JobMap.Describe(_spec))
                    _sink.Message(line);
            }
            StartRanks();
            if (_spec.Timeout is { } timeout)
                _ = Task.Delay(timeout, _stopTimer.Token).ContinueWith(
                    _ => _ending.TrySetResult(new TimedOut()), TaskContinuationOptions.OnlyOnRanToCompletion);
            if ((_spec.Diagnostics ?? DiagnosticsOptions.Default).HangAfter is { } hangAfter)
                _ = WatchForHangsAsync(hangAfter, _stopTimer.Token);

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
        StdinTarget stdin = _spec.Stdin ?? StdinTarget.RankZero;
        var stdinCopies = new List<Stream>();
        for (int rank = 0; rank < _spec.Ranks; rank++)
        {
            if (placement is not null && !_network.IsLocal[placement.HostIndexOf(rank)])
                continue;
            RankLaunch launch = LaunchOf(rank);
            RankStdin input = !stdin.Includes(rank) ? RankStdin.Closed : stdin.All ? RankStdin.Piped : RankStdin.Inherited;
            try
            {
                RankProcess process = RankProcess.Start(launch, _outputs[rank], input);
                _ranks[rank] = process;
                _log($"started rank {rank} as pid {process.Pid}");
                if (process.Stdin is { } copy)
                    stdinCopies.Add(copy);
                if (_spec.Binding is { Report: true })
                {
                    _sink.Message(launch.Cpus is { } cpus
                        ? $"rank {rank} (pid {process.Pid}) bound to {cpus.Description}: cpus {cpus.ListText}"
                        : $"rank {rank} (pid {process.Pid}) not bound");
                }
                _ = WatchAsync(process);
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
            {
                _ending.TrySetResult(new StartFailed(rank, e.Message));
                break;
            }
        }
        StdinForwarder.Start(stdinCopies);
    }

    /// <summary>What rank <paramref name="rank"/> is started with: its app context's program, arguments, directory and variables.</summary>
    private RankLaunch LaunchOf(int rank)
    {
        int app = _spec.AppIndexOf(rank);
        int local = _spec.Placement?.LocalRankOf(rank) ?? rank;
        CpuSet? cpus = local < _binding.Count ? _binding[local] : null;
        return new RankLaunch(rank, _programs[app], _spec.Apps[app].Args,
            RankEnvironment.For(_spec, rank, _server.Address, JobId, _secret, _network, cpus is null ? null : _pinnedCores), _spec.Apps[app].WorkingDirectory, cpus);
    }

    /// <summary>
    /// Starts a daemon on every other host through the launch agent, also on hosts the job's ranks
    /// leave empty (Spawn may place children there); each starts its host's ranks once it has
    /// connected back and proved the secret.
    /// </summary>
    private void StartRemoteHosts(Placement placement)
    {
        for (int h = 0; h < placement.Hosts.Count; h++)
        {
            if (_network.IsLocal[h])
                continue;
            string name = placement.Hosts[h].Name;
            var host = new RemoteHost(name, _secret, _sink, _log);
            host.Failed += (lost, message, code) => _ending.TrySetResult(new HostLost(lost.Name, message, code));
            foreach (int rank in placement.RanksOn(h))
            {
                // A rank's process number is its rank (DaemonProtocol); children's come after them.
                RemoteRank remote = host.Add(LaunchOf(rank), rank, _outputs[rank]);
                _ranks[rank] = remote;
                _ = remote.Started.ContinueWith(started => _ending.TrySetResult(new StartFailed(rank, started.Exception!.InnerException!.Message)),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
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
            host.Start(agent.CommandFor(host.Name, daemon.ToArguments(dotnet, launcherDll)));
        }
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
            if (Signals.Of(code) is 1 or 2 or 3 or 15)
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

        Interlocked.Increment(ref _cleanExits);
        CompleteIfAllExited();
    }

    private void OnRankConnected(int rank)
    {
        lock (_lock)
        {
            if (_leftWithoutPublishing.Count > 0)
                _ending.TrySetResult(new LeftBeforeWireUp(_leftWithoutPublishing.Min()));
        }
    }

}
