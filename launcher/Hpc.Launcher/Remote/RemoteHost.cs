using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>
/// mpirun's side of one host that is not this machine: starts the daemon there through the launch
/// agent, hands it the job secret on its standard input, waits for it to connect back, asks it to
/// start the host's processes, and turns its reports into the state of <see cref="RemoteRank"/>s
/// and forwarded output.
/// </summary>
/// <remarks>
/// The daemon's connection is the host's lifeline: if it ends before mpirun sent
/// <see cref="DaemonFrame.Kill"/>, the host is lost and so is the job (<see cref="Failed"/>).
/// <para>
/// Processes are the job's ranks, known before the daemon is started, and the children of
/// <c>Communicator.Spawn</c>, added while the job runs; both go through <see cref="Add"/>, which
/// sends their start at once when the daemon is connected and otherwise when it connects. Each
/// has a job-wide process number (<see cref="DaemonProtocol"/>), since ranks of different worlds
/// share numbers.
/// </para>
/// </remarks>
internal sealed class RemoteHost : IDisposable
{
    /// <summary>How long a daemon has to connect back after its agent was started.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    private readonly string _secret;
    private readonly OutputSink _sink;
    private readonly Action<string> _log;
    // Guards the three below: processes are added from spawn requests while the daemon's reports are read.
    private readonly object _gate = new();
    private readonly Dictionary<int, (RemoteRank Rank, ILineSink Output)> _processes = [];
    // Added before the daemon connected: their starts are sent when it does.
    private readonly List<(int Process, RankLaunch Launch)> _waiting = [];
    // The daemon's connection once starts go straight to it; null before that and after it ended.
    private FrameChannel? _channel;
    private bool _ended;
    private readonly TaskCompletionSource<FrameChannel> _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Process? _agent;
    private volatile bool _killSent;

    /// <summary>
    /// Prepares host <paramref name="name"/>; nothing runs until <see cref="Start"/>. The daemon's
    /// own messages go to <paramref name="sink"/>.
    /// </summary>
    public RemoteHost(string name, string secret, OutputSink sink, Action<string> log)
    {
        Name = name;
        _secret = secret;
        _sink = sink;
        _log = log;
    }

    /// <summary>The host as the host list names it.</summary>
    public string Name { get; }

    /// <summary>Pid of the local launch-agent process, or 0 before it started.</summary>
    public int AgentPid { get; private set; }

    /// <summary>Completes when the daemon's connection has ended (or the daemon never came).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Completes when the launch agent's own output has been forwarded.</summary>
    public Task AgentOutputDrained { get; private set; } = Task.CompletedTask;

    /// <summary>The host's daemon could not be started or was lost (arguments: host, message, exit code).</summary>
    public event Action<RemoteHost, string, int>? Failed;

    /// <summary>
    /// Has the daemon start <paramref name="launch"/> as job-wide process number
    /// <paramref name="process"/> (unique on this host), its lines going to
    /// <paramref name="output"/>: now if the daemon is connected, else as soon as it connects.
    /// Whether it started is <see cref="RemoteRank.Started"/>.
    /// </summary>
    /// <remarks>
    /// The launch is what a local start would get; the secret and the bind address are removed
    /// here, for every process alike: the daemon adds the secret itself, so it never crosses the
    /// network, and the address its host is reached on, which only it knows. CPU binding is
    /// dropped, since it was computed from this host's topology and the other host's may differ.
    /// </remarks>
    public RemoteRank Add(RankLaunch launch, int process, ILineSink output)
    {
        launch = launch with
        {
            Environment = [.. launch.Environment
                .Where(v => v.Key is not (JobEnvironment.SecretVariable or JobEnvironment.BindAddressVariable))],
            Cpus = null,
        };
        var remote = new RemoteRank(launch.Rank, process, this);
        FrameChannel? channel;
        lock (_gate)
        {
            if (!_processes.TryAdd(process, (remote, output)))
                throw new ArgumentException($"process {process} already runs on host {Name}", nameof(process));
            channel = _channel;
            if (_ended)
            {
                remote.OnLost();
                return remote;
            }
            if (channel is null)
                _waiting.Add((process, launch));
        }
        if (channel is not null)
            TrySendStart(channel, process, launch);
        return remote;
    }

    /// <summary>Has the daemon kill process <paramref name="process"/> alone (and what it started); its exit is reported as any other.</summary>
    public void End(int process)
    {
        FrameChannel? channel;
        RemoteRank? unstarted = null;
        lock (_gate)
        {
            channel = _channel;
            // Not sent yet (the daemon has not connected): it is never started at all.
            if (_waiting.RemoveAll(w => w.Process == process) > 0)
                unstarted = _processes[process].Rank;
        }
        if (unstarted is not null)
        {
            unstarted.OnLost();
            return;
        }
        if (channel is null)
            return;
        try
        {
            channel.Write(DaemonFrame.End, w => w.Write(process));
        }
        catch (IOException)
        {
            // Already gone; the read loop notices and ends every process of the host.
        }
    }

    /// <summary>
    /// Runs <paramref name="agentCommand"/> (the launch agent with the daemon's command) and
    /// supervises the daemon until its connection ends. Failures are reported through <see cref="Failed"/>.
    /// </summary>
    public void Start(IReadOnlyList<string> agentCommand)
    {
        var info = new ProcessStartInfo(agentCommand[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string word in agentCommand.Skip(1))
            info.ArgumentList.Add(word);
        _log($"host {Name}: {string.Join(' ', agentCommand)}");

        Process agent;
        try
        {
            agent = Process.Start(info) ?? throw new InvalidOperationException("no process was started");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            Fail($"cannot start the daemon on host {Name}: cannot run the launch agent '{agentCommand[0]}': {e.Message}", Job.CannotExecuteExitCode);
            EndAll();
            _closed.TrySetResult();
            return;
        }
        _agent = agent;
        AgentPid = agent.Id;
        try
        {
            // The secret goes through the agent's stdin, never its command line, which ps shows to everyone.
            agent.StandardInput.Write(_secret + "\n");
            agent.StandardInput.Close();
        }
        catch (IOException e)
        {
            _log($"host {Name}: cannot hand the secret to the launch agent: {e.Message}");
        }
        AgentOutputDrained = Task.WhenAll(
            OutputForwarder.Start(agent.StandardOutput.BaseStream, _sink, OutputStream.Stderr, []),
            OutputForwarder.Start(agent.StandardError.BaseStream, _sink, OutputStream.Stderr, []));
        _ = SuperviseAsync(agent);
    }

    /// <summary>Hands over the authenticated connection of this host's daemon; false when one is already there.</summary>
    public bool TryAttach(FrameChannel channel) => _attached.TrySetResult(channel);

    /// <summary>Tells the daemon to end every rank and exit; a connection that ends afterwards is no failure.</summary>
    public void SendKill(string reason)
    {
        _killSent = true;
        if (_attached.Task.IsCompletedSuccessfully)
        {
            try
            {
                _attached.Task.Result.Write(DaemonFrame.Kill, w => w.Write(reason));
            }
            catch (IOException)
            {
                // Already gone; the read loop notices.
            }
        }
        else
        {
            _attached.TrySetCanceled();
        }
    }

    private async Task SuperviseAsync(Process agent)
    {
        Task exited = agent.WaitForExitAsync();
        Task first = await Task.WhenAny(_attached.Task, exited, Task.Delay(ConnectTimeout, _stop.Token)).ConfigureAwait(false);
        if (!_attached.Task.IsCompletedSuccessfully)
        {
            if (!_killSent)
            {
                if (first == exited)
                {
                    int code = agent.ExitCode;
                    Fail($"cannot start the daemon on host {Name}: the launch agent exited with code {code} before the daemon connected",
                        code == 0 ? 1 : code);
                }
                else
                {
                    Fail($"the daemon on host {Name} did not connect back within {ConnectTimeout.TotalSeconds:0} s", 1);
                }
            }
            EndAll();
            _closed.TrySetResult();
            return;
        }
        await ConverseAsync(_attached.Task.Result).ConfigureAwait(false);
    }

    private async Task ConverseAsync(FrameChannel channel)
    {
        string? lost = null;
        try
        {
            (int Process, RankLaunch Launch)[] waiting;
            lock (_gate)
            {
                waiting = [.. _waiting.OrderBy(w => w.Process)];
                _waiting.Clear();
                // From here on, Add sends a start itself.
                _channel = channel;
            }
            foreach ((int process, RankLaunch launch) in waiting)
                SendStart(channel, process, launch);
            while (await channel.ReadAsync(DaemonProtocol.MaxPayload, _stop.Token).ConfigureAwait(false) is { } frame)
                Handle(frame.Type, frame.Payload);
            lost = "the connection was closed";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
        {
            lost = e.Message;
        }
        finally
        {
            if (!_killSent && !_stop.IsCancellationRequested)
                Fail($"lost the connection to the daemon on host {Name} ({lost})", 1);
            else
                _log($"host {Name}: daemon connection ended");
            EndAll();
            channel.Dispose();
            _closed.TrySetResult();
        }
    }

    /// <summary>The daemon's connection is over (or never came): nothing more will be reported, and nothing more started.</summary>
    private void EndAll()
    {
        RemoteRank[] ranks;
        lock (_gate)
        {
            _ended = true;
            _channel = null;
            _waiting.Clear();
            ranks = [.. _processes.Values.Select(p => p.Rank)];
        }
        foreach (RemoteRank rank in ranks)
            rank.OnLost();
    }

    private static void SendStart(FrameChannel channel, int process, RankLaunch launch) =>
        channel.Write(DaemonFrame.Spawn, w =>
        {
            w.Write(process);
            w.Write(launch.Program.FileName);
            w.Write(launch.Program.LeadingArgs.Count + launch.Args.Count);
            foreach (string arg in launch.Program.LeadingArgs.Concat(launch.Args))
                w.Write(arg);
            w.Write(launch.Environment.Count);
            foreach ((string name, string value) in launch.Environment)
            {
                w.Write(name);
                w.Write(value);
            }
            w.Write(launch.WorkingDirectory ?? "");
        });

    /// <summary>A start sent while the job runs: a broken connection is the read loop's to report, which also ends this process.</summary>
    private void TrySendStart(FrameChannel channel, int process, RankLaunch launch)
    {
        try
        {
            SendStart(channel, process, launch);
        }
        catch (IOException e)
        {
            _log($"host {Name}: cannot send the start of process {process}: {e.Message}");
        }
    }

    private void Handle(DaemonFrame type, byte[] payload)
    {
        PayloadReader reader = FrameChannel.Reader(payload);
        ILineSink output = null!;
        RemoteRank Rank()
        {
            int process = reader.Int();
            lock (_gate)
            {
                if (!_processes.TryGetValue(process, out var known))
                    throw new InvalidDataException($"the daemon reported process {process}, which does not run on host {Name}");
                output = known.Output;
                return known.Rank;
            }
        }

        switch (type)
        {
            case DaemonFrame.Started:
            {
                RemoteRank rank = Rank();
                rank.OnStarted(reader.Int());
                _log($"started process {rank.Process} (rank {rank.Rank} of its world) on host {Name} as pid {rank.Pid}");
                break;
            }
            case DaemonFrame.StartFailed:
            {
                RemoteRank rank = Rank();
                rank.OnStartFailed($"on host {Name}: {reader.String()}");
                break;
            }
            case DaemonFrame.Output:
            {
                RemoteRank rank = Rank();
                var stream = (OutputStream)reader.Byte();
                if (stream is not (OutputStream.Stdout or OutputStream.Stderr))
                    throw new InvalidDataException($"the daemon on host {Name} sent output for stream {(int)stream}");
                byte[] lines = reader.Rest();
                output.WriteLines(stream, [], lines);
                break;
            }
            case DaemonFrame.Exited:
            {
                RemoteRank rank = Rank();
                rank.OnExited(reader.Int());
                break;
            }
            case DaemonFrame.Drained:
                Rank().OnDrained();
                break;
            default:
                throw new InvalidDataException($"the daemon on host {Name} sent an unexpected frame {(int)type}");
        }
    }

    private void Fail(string message, int exitCode)
    {
        _log(message);
        Failed?.Invoke(this, message, exitCode);
    }

    /// <inheritdoc />
    public override string ToString() => "host " + Name + " (agent pid " + AgentPid.ToString(CultureInfo.InvariantCulture) + ")";

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        if (_attached.Task.IsCompletedSuccessfully)
            _attached.Task.Result.Dispose();
        _agent?.Dispose();
    }
}
