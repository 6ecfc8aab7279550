namespace Hpc.Bootstrap;

// Dynamic processes (Communicator.Spawn): the server passes a rank's SPAWN and CONNECT requests
// to the launcher, which answers through SendLinesAsync. A spawned world gets a server of its own,
// so the same launcher object serves the requests of every world of the job.
internal sealed partial class RendezvousServer
{
    /// <summary>A rank asked for processes to be started (arguments: this server, rank, the request's words).</summary>
    public event Action<RendezvousServer, int, string>? SpawnRequested;

    /// <summary>A rank published its endpoint for a spawn's connection (arguments: this server, rank, the request's words).</summary>
    public event Action<RendezvousServer, int, string>? ConnectRequested;

    /// <summary>Number of ranks this server serves.</summary>
    public int Size => _size;

    /// <summary>True when <paramref name="rank"/>'s connection is open.</summary>
    public bool IsConnected(int rank)
    {
        lock (_lock) return _sessions[rank] is { } session && !session.Closed.Task.IsCompleted;
    }

    /// <summary>Sends <paramref name="lines"/> to <paramref name="rank"/> without interleaving; false when it cannot be reached.</summary>
    public Task<bool> SendLinesAsync(int rank, IReadOnlyList<string> lines)
    {
        RendezvousSession? session;
        lock (_lock) session = _sessions[rank];
        return session is null ? Task.FromResult(false) : TrySendAsync(session, lines);
    }
}
