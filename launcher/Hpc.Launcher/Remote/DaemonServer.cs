using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>
/// mpirun's listener for the per-host daemons calling back. A connection must complete the
/// mutual proof of the job secret (<see cref="DaemonHandshake"/>) for a host of this job that has
/// no daemon yet; anything else is logged and dropped without disturbing the job.
/// </summary>
internal sealed class DaemonServer : IDisposable
{
    /// <summary>Unauthenticated connections handled at once; more are closed on arrival.</summary>
    public const int MaxPendingHandshakes = 16;

    private readonly TcpListener _listener;
    private readonly string _secret;
    private readonly IReadOnlyDictionary<string, RemoteHost> _hosts;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _pending = new(MaxPendingHandshakes, MaxPendingHandshakes);
    private Task _acceptLoop = Task.CompletedTask;

    /// <summary>A server on <paramref name="address"/> for the daemons of <paramref name="hosts"/>.</summary>
    public DaemonServer(IPAddress address, string secret, IReadOnlyDictionary<string, RemoteHost> hosts, Action<string> log)
    {
        _listener = new TcpListener(address, 0);
        _secret = secret;
        _hosts = hosts;
        _log = log;
    }

    /// <summary><c>address:port</c> the daemons connect to, valid after <see cref="Start"/>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Binds an ephemeral port and starts accepting.</summary>
    public void Start()
    {
        _listener.Start(backlog: 128);
        var endpoint = (IPEndPoint)_listener.LocalEndpoint;
        Address = endpoint.Address + ":" + endpoint.Port.ToString(CultureInfo.InvariantCulture);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private Task AcceptLoopAsync() =>
        BoundedAcceptLoop.RunAsync(_listener, _pending, "daemons", _log, ServeAsync, _stop.Token);

    private async Task ServeAsync(Socket socket)
    {
        string peer = socket.RemoteEndPoint?.ToString() ?? "?";
        socket.NoDelay = true;
        // A daemon that stops reading must not block mpirun's writes forever.
        socket.SendTimeout = 30_000;
        var channel = new FrameChannel(new NetworkStream(socket, ownsSocket: true));
        bool attached = false;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(DaemonHandshake.Timeout);
            string? host = await DaemonHandshake.AcceptAsync(channel, _secret, timeout.Token).ConfigureAwait(false);
            if (host is null)
                _log($"daemons: {peer} did not prove the job secret; dropped");
            else if (!_hosts.TryGetValue(host, out RemoteHost? remote))
                _log($"daemons: {peer} claims host '{host}', which is not in this job; dropped");
            else if (!(attached = remote.TryAttach(channel)))
                _log($"daemons: a second daemon for host '{host}' from {peer}; dropped");
            else
                _log($"daemons: host {host} connected from {peer}");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            _log($"daemons: connection from {peer}: {e.Message}");
        }
        finally
        {
            _pending.Release();
            if (!attached)
                channel.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _acceptLoop.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }
    }
}
