using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Hpc.Messaging;

namespace Hpc.Transport.Tcp;

/// <summary>
/// Establishes the full mesh of TCP links for one rank: it listens on its own endpoint,
/// connects to every lower rank and accepts every higher one. Each connection proves the job
/// secret (<see cref="TcpHandshake"/>) before it becomes a link; a stranger's connection is
/// logged and dropped without disturbing the job.
/// </summary>
internal sealed class TcpTransport : IDisposable
{
    private readonly Socket _listener;
    private readonly Action<string> _log;

    private TcpTransport(Socket listener, Action<string> log)
    {
        _listener = listener;
        _log = log;
    }

    /// <summary>The endpoint peers connect to, as published at rendezvous: <c>tcp://address:port</c>.</summary>
    public string Endpoint
    {
        get
        {
            var local = (IPEndPoint)_listener.LocalEndPoint!;
            return $"tcp://{local}";
        }
    }

    /// <summary>Starts listening on <paramref name="bindAddress"/> (an ephemeral port).</summary>
    public static TcpTransport Listen(IPAddress bindAddress, Action<string> log)
    {
        var listener = new Socket(bindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(bindAddress, 0));
        listener.Listen(512);
        return new TcpTransport(listener, log);
    }

    /// <summary>
    /// Connects to every other rank of <paramref name="endpoints"/> and returns the links,
    /// indexed by world rank (the own entry stays null). <paramref name="processIndexOf"/>, when
    /// given, maps a position in <paramref name="endpoints"/> to the process index the link reports
    /// its frames from (a spawn's wire-up numbers parents and children apart from either world).
    /// </summary>
    /// <exception cref="HpcException">A peer could not be reached or authenticated in time.</exception>
    public IPeerLink?[] ConnectAll(string[] endpoints, bool[] needsTcp, int myRank, string secret, IFrameSink sink, ProgressEngine progress, long eagerLimit, TimeSpan timeout,
        int[]? processIndexOf = null)
    {
        int size = endpoints.Length;
        if (!AnyPeerNeedsTcp(needsTcp))
        {
            // Every peer on shared memory (or a world of one): none of the machinery below, whose
            // timer, task and concurrent dictionary cost every rank of a one-host job ~5 ms of CPU
            // in Mpi.Init for nothing (the dictionary's code over int keys is JIT-compiled).
            _listener.Dispose();
            return new IPeerLink?[size];
        }
        var sockets = new Socket?[size];
        var accepted = new ConcurrentDictionary<int, Socket>();
        using var cts = new CancellationTokenSource(timeout);
        int expectedAccepts = 0;
        for (int peer = myRank + 1; peer < size; peer++)
            expectedAccepts += needsTcp[peer] ? 1 : 0;
        // No higher rank to accept (every peer on shared memory, or the last rank): no thread-pool work.
        Task acceptTask = expectedAccepts == 0 ? Task.CompletedTask
            : Task.Run(() => AcceptPeers(expectedAccepts, accepted, secret, myRank, size, cts.Token));

        try
        {
            for (int peer = 0; peer < myRank; peer++)
            {
                if (needsTcp[peer])
                    sockets[peer] = ConnectTo(peer, endpoints[peer], secret, myRank, cts.Token);
            }
            if (!acceptTask.Wait(timeout))
                throw new HpcException($"rank {myRank}: only {accepted.Count} of {expectedAccepts} higher ranks connected within {timeout.TotalSeconds:0} s");
            acceptTask.GetAwaiter().GetResult();
        }
        catch
        {
            cts.Cancel();
            foreach (Socket? s in sockets)
                s?.Dispose();
            foreach (Socket s in accepted.Values)
                s.Dispose();
            throw;
        }
        finally
        {
            _listener.Dispose();
        }

        foreach ((int peer, Socket socket) in accepted)
            sockets[peer] = socket;
        var links = new IPeerLink?[size];
        for (int peer = 0; peer < size; peer++)
        {
            if (sockets[peer] is { } socket)
                links[peer] = new TcpLink(socket, processIndexOf?[peer] ?? peer, sink, progress, eagerLimit, _log);
        }
        return links;
    }

    private static bool AnyPeerNeedsTcp(bool[] needsTcp)
    {
        foreach (bool needs in needsTcp)
        {
            if (needs)
                return true;
        }
        return false;
    }

    private static Socket ConnectTo(int peer, string endpoint, string secret, int myRank, CancellationToken token)
    {
        IPEndPoint address = ParseEndpoint(endpoint, peer);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            ConnectWithoutAsyncEngine(socket, address, token);
            TcpHandshake.Connect(socket, secret, myRank, peer, TimeSpan.FromSeconds(30));
            return socket;
        }
        catch (Exception e)
        {
            socket.Dispose();
            throw new HpcException($"rank {myRank} cannot connect to rank {peer} at {endpoint}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Connects with a non-blocking connect and poll(2), never an async socket call: the first
    /// async operation on a socket registers it with .NET's epoll thread for good, and from then
    /// on every segment that arrives on the link wakes that thread and a thread-pool worker to
    /// find nobody waiting (measured 2026-12-03, np 2 over loopback: a third of the connecting
    /// rank's CPU time during 1 MiB ping-pongs, on a 2-core host). The links are read only by
    /// their own non-blocking receives and poll(2), so the engine has nothing to do for them.
    /// </summary>
    internal static void ConnectWithoutAsyncEngine(Socket socket, IPEndPoint address, CancellationToken token)
    {
        socket.Blocking = false;
        try
        {
            socket.Connect(address);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
        }
        // A refused or failed connect reports an error without being writable: look for both.
        while (!socket.Poll(50_000, SelectMode.SelectWrite) && !socket.Poll(0, SelectMode.SelectError))
            token.ThrowIfCancellationRequested();
        int error = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        if (error != 0)
            throw new SocketException(error);
    }

    private void AcceptPeers(int expected, ConcurrentDictionary<int, Socket> accepted, string secret, int myRank, int size, CancellationToken token)
    {
        while (accepted.Count < expected)
        {
            Socket socket = _listener.AcceptAsync(token).AsTask().GetAwaiter().GetResult();
            try
            {
                int peer = TcpHandshake.Accept(socket, secret, myRank, size, TimeSpan.FromSeconds(10));
                if (peer < myRank || !accepted.TryAdd(peer, socket))
                    throw new TcpHandshake.AuthenticationFailedException($"unexpected second connection from rank {peer}");
            }
            catch (Exception e) when (e is TcpHandshake.AuthenticationFailedException or SocketException or IOException)
            {
                _log($"rejected a connection from {SafeRemote(socket)}: {e.Message}");
                socket.Dispose();
            }
        }
    }

    private static string SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint?.ToString() ?? "?";
        }
        catch (ObjectDisposedException)
        {
            return "?";
        }
    }

    /// <summary>Parses <c>tcp://address:port</c>.</summary>
    /// <exception cref="HpcException">The endpoint is malformed; the message names it and the rank.</exception>
    public static IPEndPoint ParseEndpoint(string endpoint, int rank)
    {
        const string scheme = "tcp://";
        string tcp = endpoint.Split(',')[0];
        if (tcp.StartsWith(scheme, StringComparison.Ordinal)
            && IPEndPoint.TryParse(tcp[scheme.Length..], out IPEndPoint? address))
            return address;
        throw new HpcException($"rank {rank} published a malformed endpoint '{endpoint}'");
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
