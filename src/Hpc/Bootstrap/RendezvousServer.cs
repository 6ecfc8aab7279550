using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hpc.Bootstrap;

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
internal sealed class RendezvousServer : IDisposable
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
    private readonly Session?[] _sessions;
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
        _sessions = new Session?[size];
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
        Session? session;
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
        foreach (Session session in LiveSessions())
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
            foreach (Session? session in _sessions)
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

    private IEnumerable<Session> LiveSessions()
    {
        lock (_lock) return [.. _sessions.Where(s => s is not null && !s.Closed.Task.IsCompleted).Select(s => s!)];
    }

    private Task AcceptLoopAsync() =>
        BoundedAcceptLoop.RunAsync(_listener, _handshakeSlots, "rendezvous", _log, socket =>
        {
            socket.NoDelay = true;
            return ServeAsync(socket);
        }, _stop.Token);

    private async Task ServeAsync(Socket socket)
    {
        string peer = socket.RemoteEndPoint?.ToString() ?? "?";
        var channel = new LineChannel(new NetworkStream(socket, ownsSocket: true));
        Session? session = null;
        bool holdsSlot = true;
        try
        {
            session = await AuthenticateAsync(channel, peer).ConfigureAwait(false);
            _handshakeSlots.Release();
            holdsSlot = false;
            if (session is null)
                return;

            RankConnected?.Invoke(session.Rank);
            await ConverseAsync(session).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException
                                      or OperationCanceledException or ObjectDisposedException)
        {
            if (_stop.IsCancellationRequested)
                return; // The job is over; connections end by design.
            _log($"rendezvous: {(session is null ? "connection from " + peer : "rank " + session.Rank)}: {e.Message}");
        }
        catch (Exception e)
        {
            // A bug here must cost one connection, never the job's supervision.
            _log($"rendezvous: unexpected error on {(session is null ? peer : "rank " + session.Rank)}: {e}");
        }
        finally
        {
            if (holdsSlot)
                _handshakeSlots.Release();
            if (session is null)
            {
                channel.Dispose();
            }
            else
            {
                session.Close();
                bool finalized;
                lock (_lock) finalized = session.Finalized;
                if (!_stop.IsCancellationRequested)
                    RankClosed?.Invoke(session.Rank, finalized);
            }
        }
    }

    private async Task<Session?> AuthenticateAsync(LineChannel channel, string peer)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(HandshakeTimeout);

        string nonce = RendezvousProtocol.NewNonce();
        await channel.WriteLineAsync("CHALLENGE " + nonce, timeout.Token).ConfigureAwait(false);
        string? hello = await channel.ReadLineAsync(timeout.Token).ConfigureAwait(false);
        if (hello is null)
        {
            _log($"rendezvous: {peer} closed before HELLO");
            return null;
        }

        string[] words = hello.Split(' ');
        if (words.Length != 3 || words[0] != "HELLO"
            || !int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out int rank)
            || rank >= _size)
        {
            _log($"rendezvous: {peer} sent a malformed HELLO; dropped");
            return null;
        }
        if (!IsHex(words[2]) || !RendezvousProtocol.VerifyProof(_secret, nonce, "rank:" + words[1], words[2]))
        {
            _log($"rendezvous: {peer} failed the challenge for rank {rank}; dropped");
            return null;
        }

        lock (_lock)
        {
            if (_sessions[rank] is not null)
            {
                _log($"rendezvous: a second connection claims rank {rank}; dropped");
                return null;
            }
            var session = new Session(rank, channel);
            _sessions[rank] = session;
            _log($"rendezvous: rank {rank} connected from {peer}");
            return session;
        }
    }

    private async Task ConverseAsync(Session session)
    {
        while (await session.Channel.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
        {
            int space = line.IndexOf(' ');
            string command = space < 0 ? line : line[..space];
            string rest = space < 0 ? "" : line[(space + 1)..];
            if (command == "PART")
            {
                session.AddPart(rest, _log);
                continue;
            }
            if (command is "STATUS" or "PROFILE" or "TRACE")
                rest = session.JoinParts(rest);
            switch (command)
            {
                case "PUBLISH":
                    if (!await PublishAsync(session, rest).ConfigureAwait(false))
                        return;
                    break;
                case "STATUS":
                    session.Status = rest;
                    session.StatusAnswer?.TrySetResult(rest);
                    break;
                case "PROFILE":
                    lock (_lock) session.Profile = rest;
                    break;
                case "TRACE":
                    lock (_lock) session.Trace = rest;
                    break;
                case "FAIL":
                    FailRequested?.Invoke(session.Rank, rest);
                    break;
                case "FINALIZED":
                    lock (_lock) session.Finalized = true;
                    _log($"rendezvous: rank {session.Rank} finalized");
                    break;
                case "ABORT":
                    int codeEnd = rest.IndexOf(' ');
                    string codeText = codeEnd < 0 ? rest : rest[..codeEnd];
                    string text = codeEnd < 0 ? "" : rest[(codeEnd + 1)..];
                    if (!int.TryParse(codeText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code))
                        code = 1;
                    AbortRequested?.Invoke(session.Rank, code, text);
                    break;
                default:
                    _log($"rendezvous: rank {session.Rank} sent an unknown command '{Truncate(command)}'; ignored");
                    break;
            }
        }
        _log($"rendezvous: rank {session.Rank} closed its connection");
    }

    /// <returns>False when the line is malformed and the connection should be dropped.</returns>
    private async Task<bool> PublishAsync(Session session, string rest)
    {
        int space = rest.IndexOf(' ');
        string host = space < 0 ? "" : rest[..space];
        string endpoint = space < 0 ? "" : rest[(space + 1)..];
        if (host.Length == 0 || endpoint.Trim().Length == 0)
        {
            _log($"rendezvous: rank {session.Rank} sent a malformed PUBLISH; dropped");
            return false;
        }

        Session[]? everyone = null;
        lock (_lock)
        {
            if (session.Host is not null)
            {
                _log($"rendezvous: rank {session.Rank} published twice; the second is ignored");
                return true;
            }
            session.Host = host;
            session.Endpoint = endpoint;
            _published++;
            if (_published == _size && !_tableSent)
            {
                _tableSent = true;
                everyone = [.. _sessions.Select(s => s!)];
            }
        }
        _log($"rendezvous: rank {session.Rank} published {host} {endpoint}");

        if (everyone is not null)
        {
            var table = new List<string>(_size + 1) { "TABLE " + _size.ToString(CultureInfo.InvariantCulture) };
            foreach (Session s in everyone)
                table.Add($"{s.Rank.ToString(CultureInfo.InvariantCulture)} {s.Host} {s.Endpoint}");
            await Task.WhenAll(everyone.Select(s => TrySendAsync(s, table))).ConfigureAwait(false);
            _log($"rendezvous: table of {_size} sent");
        }
        return true;
    }

    private async Task<bool> TrySendAsync(Session session, IReadOnlyList<string> lines)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(WriteTimeout);
        try
        {
            // Multi-line messages (the table) must not be split by a QUERY sent concurrently.
            await session.SendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                foreach (string line in lines)
                    await session.Channel.WriteLineAsync(line, timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                session.SendLock.Release();
            }
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _log($"rendezvous: cannot write to rank {session.Rank}: {e.Message}");
            return false;
        }
    }

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
                return false;
        }
        return text.Length > 0;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";

    /// <summary>One authenticated rank's connection and what it told the launcher.</summary>
    private sealed class Session(int rank, LineChannel channel)
    {
        public int Rank { get; } = rank;
        public LineChannel Channel { get; } = channel;
        public SemaphoreSlim SendLock { get; } = new(1, 1);
        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string? Host { get; set; }
        public string? Endpoint { get; set; }
        public bool Finalized { get; set; }
        public volatile string? Status;
        public string? Profile { get; set; }
        public string? Trace { get; set; }
        private System.Text.StringBuilder? _parts;
        private bool _tooLong;

        /// <summary>A piece of a long message (<c>PART</c>), kept until the line that ends it.</summary>
        public void AddPart(string text, Action<string> log)
        {
            _parts ??= new System.Text.StringBuilder();
            if (_tooLong || _parts.Length + text.Length > MaxLongMessage)
            {
                if (!_tooLong)
                    log($"rendezvous: rank {Rank} sent a message longer than {MaxLongMessage} bytes; dropped");
                _tooLong = true;
                _parts.Clear();
                return;
            }
            _parts.Append(text);
        }

        /// <summary>The whole message whose last piece is <paramref name="last"/>; empty when it was too long.</summary>
        public string JoinParts(string last)
        {
            if (_parts is null)
                return last;
            string text = _tooLong ? "" : _parts.Append(last).ToString();
            _parts = null;
            _tooLong = false;
            return text;
        }
        public volatile TaskCompletionSource<string>? StatusAnswer;

        public void Close()
        {
            Channel.Dispose();
            Closed.TrySetResult();
        }
    }
}
