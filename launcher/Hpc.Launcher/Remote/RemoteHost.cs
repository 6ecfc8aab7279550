using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// mpirun's side of one host that is not this machine: starts the daemon there through the launch
/// agent, hands it the job secret on its standard input, waits for it to connect back, asks it to
/// spawn the host's ranks, and turns its reports into the state of <see cref="RemoteRank"/>s and
/// forwarded output.
/// </summary>
/// <remarks>
/// The daemon's connection is the host's lifeline: if it ends before mpirun sent
/// <see cref="DaemonFrame.Kill"/>, the host is lost and so is the job (<see cref="Failed"/>).
/// </remarks>
internal sealed class RemoteHost : IDisposable
{
    /// <summary>How long a daemon has to connect back after its agent was started.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    private readonly string _secret;
    private readonly OutputSink _sink;
    private readonly Func<int, ILineSink> _outputOf;
    private readonly Action<string> _log;
    private readonly Dictionary<int, RemoteRank> _ranks = [];
    private readonly Dictionary<int, RankLaunch> _launches = [];
    private readonly TaskCompletionSource<FrameChannel> _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Process? _agent;
    private volatile bool _killSent;

    /// <summary>
    /// Prepares host <paramref name="name"/>; nothing runs until <see cref="Start"/>. The daemon's
    /// own messages go to <paramref name="sink"/>, a rank's lines to <paramref name="outputOf"/>(rank).
    /// </summary>
    public RemoteHost(string name, string secret, OutputSink sink, Func<int, ILineSink> outputOf, Action<string> log)
    {
        Name = name;
        _secret = secret;
        _sink = sink;
        _outputOf = outputOf;
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

    /// <summary>The daemon could not start a rank (arguments: rank, reason).</summary>
    public event Action<int, string>? RankStartFailed;

    /// <summary>Adds a rank, to be started by the daemon as <paramref name="launch"/> says.</summary>
    public RemoteRank AddRank(RankLaunch launch)
    {
        var remote = new RemoteRank(launch.Rank, this);
        _ranks[launch.Rank] = remote;
        _launches[launch.Rank] = launch;
        return remote;
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
            foreach (RemoteRank rank in _ranks.Values)
                rank.OnLost();
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
            foreach (RemoteRank rank in _ranks.Values)
                rank.OnLost();
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
            foreach (RankLaunch launch in _launches.Values.OrderBy(l => l.Rank))
            {
                channel.Write(DaemonFrame.Spawn, w =>
                {
                    w.Write(launch.Rank);
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
            }
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
            foreach (RemoteRank rank in _ranks.Values)
                rank.OnLost();
            channel.Dispose();
            _closed.TrySetResult();
        }
    }

    private void Handle(DaemonFrame type, byte[] payload)
    {
        PayloadReader reader = FrameChannel.Reader(payload);
        RemoteRank Rank()
        {
            int rank = reader.Int();
            return _ranks.TryGetValue(rank, out RemoteRank? remote) ? remote
                : throw new InvalidDataException($"the daemon reported rank {rank}, which does not run on host {Name}");
        }

        switch (type)
        {
            case DaemonFrame.Started:
            {
                RemoteRank rank = Rank();
                rank.OnStarted(reader.Int());
                _log($"started rank {rank.Rank} on host {Name} as pid {rank.Pid}");
                break;
            }
            case DaemonFrame.StartFailed:
            {
                RemoteRank rank = Rank();
                RankStartFailed?.Invoke(rank.Rank, $"on host {Name}: {reader.String()}");
                break;
            }
            case DaemonFrame.Output:
            {
                RemoteRank rank = Rank();
                var stream = (OutputStream)reader.Byte();
                if (stream is not (OutputStream.Stdout or OutputStream.Stderr))
                    throw new InvalidDataException($"the daemon on host {Name} sent output for stream {(int)stream}");
                byte[] lines = reader.Rest();
                _outputOf(rank.Rank).WriteLines(stream, [], lines);
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
