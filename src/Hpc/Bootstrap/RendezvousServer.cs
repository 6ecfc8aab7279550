using System.Net;
using System.Net.Sockets;

namespace Hpc.Bootstrap;

/// <summary>
/// The launcher's side of the PMI-like wire-up (<see cref="RendezvousProtocol"/>): authenticates
/// every rank, collects each rank's endpoint, hands out the full table once all have published,
/// and keeps one connection per rank for the job's life to carry ABORT, FINALIZED and the
/// QUERY/STATUS hang diagnosis.
/// </summary>
/// <remarks>
/// Listens on loopback for a single-host job, and on the job's reachable address when ranks run
/// on other hosts (the launcher's <c>JobNetwork</c>; any interface under direct launch, <see cref="DirectLaunchHost"/>). A connection that fails the challenge, speaks out of turn
/// or is too slow is dropped (logged with <c>-v</c>); nothing a peer sends can crash the server or make it allocate beyond one bounded line.
/// </remarks>
internal sealed partial class RendezvousServer : IDisposable
{
    /// <summary>How long a new connection has to prove the secret.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Unauthenticated connections handled at once; more are closed on arrival.</summary>
    public const int MaxPendingHandshakes = 64;

    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(10);

    private readonly int _size;
    private readonly string _secret;
    private readonly Action<string> _log;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _handshakeSlots = new(MaxPendingHandshakes, MaxPendingHandshakes);
    private readonly object _lock = new();
    private readonly RendezvousSession?[] _sessions;
    private int _published;
    private bool _tableSent;
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>A rank authenticated (argument: its rank).</summary>
    public event Action<int>? RankConnected;

    /// <summary>A rank sent <c>ABORT</c> (arguments: rank, code, text).</summary>
    public event Action<int, int, string>? AbortRequested;

    /// <summary>A rank sent <c>FAIL</c>, a one-line reason that ends the job (arguments: rank, text).</summary>
    public event Action<int, string>? FailRequested;

    /// <summary>Longest message a rank may send in <c>PART</c>s (a trace); a longer one is dropped, the connection kept.</summary>
    public const int MaxLongMessage = 256 * 1024 * 1024;

    /// <summary>The <c>PROFILE</c> JSON <paramref name="rank"/> sent at Finalize, or null.</summary>
    public string? ProfileOf(int rank)
    {
        lock (_lock) return _sessions[rank]?.Profile;
    }

    /// <summary>The <c>TRACE</c> JSON <paramref name="rank"/> sent at Finalize, or null.</summary>
    public string? TraceOf(int rank)
    {
        lock (_lock) return _sessions[rank]?.Trace;
    }

    /// <summary>A rank's connection closed (arguments: rank, whether it had sent FINALIZED).</summary>
    public event Action<int, bool>? RankClosed;

    /// <summary>
    /// Creates a server for a job of <paramref name="size"/> ranks sharing <paramref name="secret"/>,
    /// on <paramref name="port"/> (0: an ephemeral one, as mpirun's; direct launch's is fixed).
    /// </summary>
    public RendezvousServer(int size, string secret, Action<string> log, IPAddress? address = null, int port = 0)
    {
        _listener = new TcpListener(address ?? IPAddress.Loopback, port);
        _size = size;
        _secret = secret;
        _log = log;
        _sessions = new RendezvousSession?[size];
    }

    /// <summary><c>address:port</c> (<c>127.0.0.1:port</c> by default), valid after <see cref="Start"/>; what ranks get in <c>HPC_RENDEZVOUS</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>True once the table went out to every rank.</summary>
    public bool TableSent
    {
        get { lock (_lock) return _tableSent; }
    }

    /// <summary>Binds an ephemeral port and starts accepting.</summary>
    public void Start()
    {
        _listener.Start(backlog: Math.Max(128, _size));
        var endpoint = (IPEndPoint)_listener.LocalEndpoint;
        Address = endpoint.Address + ":" + endpoint.Port.ToString(CultureInfo.InvariantCulture);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>True when <paramref name="rank"/> authenticated at some point.</summary>
    public bool HasConnected(int rank)
    {
        lock (_lock) return _sessions[rank] is not null;
    }

    /// <summary>True when any rank authenticated: the program speaks the protocol.</summary>
    public bool AnyConnected
    {
        get { lock (_lock) return _sessions.Any(s => s is not null); }
    }

    /// <summary>True when <paramref name="rank"/> published its endpoint.</summary>
    public bool HasPublished(int rank)
    {
        lock (_lock) return _sessions[rank]?.Host is not null;
    }

    /// <summary>The host <paramref name="rank"/> published, or null.</summary>
    public string? HostOf(int rank)
    {
        lock (_lock) return _sessions[rank]?.Host;
    }

    /// <summary>True when <paramref name="rank"/> sent <c>FINALIZED</c>.</summary>
    public bool IsFinalized(int rank)
    {
        lock (_lock) return _sessions[rank]?.Finalized ?? false;
    }

    /// <summary>
    /// Waits until <paramref name="rank"/>'s connection is closed (or never existed), at most
    /// <paramref name="limit"/>, so that lines it sent just before exiting are read before the
    /// launcher judges its exit.
    /// </summary>
    public async Task WaitClosedAsync(int rank, TimeSpan limit)
    {
        RendezvousSession? session;
        lock (_lock) session = _sessions[rank];
        if (session is not null)
            await Task.WhenAny(session.Closed.Task, Task.Delay(limit)).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends <c>QUERY</c> to every connected rank and collects the <c>STATUS</c> answers that
    /// arrive within <paramref name="wait"/>; a rank without an answer maps to null.
    /// </summary>
    public async Task<string?[]> QueryAsync(TimeSpan wait)
    {
        var answers = new string?[_size];
        var pending = new List<(int Rank, Task<string> Answer)>();
        foreach (RendezvousSession session in LiveSessions())
        {
            var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            session.StatusAnswer = answer;
            if (await TrySendAsync(session, ["QUERY"]).ConfigureAwait(false))
                pending.Add((session.Rank, answer.Task));
        }
        if (pending.Count > 0)
            await Task.WhenAny(Task.WhenAll(pending.Select(p => p.Answer)), Task.Delay(wait)).ConfigureAwait(false);
        foreach ((int rank, Task<string> answer) in pending)
            answers[rank] = answer.IsCompletedSuccessfully ? answer.Result : null;
        return answers;
    }

    /// <summary>Tells every connected rank the job is ending (<c>KILL reason</c>), waiting at most <paramref name="limit"/>;
    /// nothing before the table went out: a rank in wire-up would take KILL for a bad table and report a failed Init of its own.</summary>
    public async Task SendKillAsync(string reason, TimeSpan limit)
    {
        if (!TableSent)
            return;
        Task[] sends = [.. LiveSessions().Select(s => TrySendAsync(s, ["KILL " + reason]))];
        await Task.WhenAny(Task.WhenAll(sends), Task.Delay(limit)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_lock)
        {
            foreach (RendezvousSession? session in _sessions)
                session?.Channel.Dispose();
        }
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
            // Already logged by the loop; disposal must not throw.
        }
    }

    private IEnumerable<RendezvousSession> LiveSessions()
    {
        lock (_lock) return [.. _sessions.Where(s => s is not null && !s.Closed.Task.IsCompleted).Select(s => s!)];
    }
}
