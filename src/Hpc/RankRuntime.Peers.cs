using Hpc.Bootstrap;
using Hpc.Messaging;
using Hpc.Transport.Waiting;

namespace Hpc;

// Peers added after Init: the processes a Spawn started, or the parents of a spawned world
// (Intercommunication/DynamicProcesses.cs). Each process numbers its peers itself: world ranks
// first, then every group it was connected to later, in the order of connection. Frames carry
// the sender's rank in its communicator, never a process index, so the numbering never has to
// agree between processes.
internal sealed partial class RankRuntime
{
    private readonly Lock _peersLock = new();
    private readonly List<PollingArrivalSignal> _retiredSignals = [];

    /// <summary>The control channel to mpirun; null in a world of one and in ranks-as-threads worlds.</summary>
    internal RendezvousClient? Control => _control;

    /// <summary>Number of processes this rank has a link to (itself included): the world, then every group connected later.</summary>
    public int ProcessCount => Volatile.Read(ref _links).Length;

    /// <summary>
    /// Serializes connecting new groups: a process index is handed out under it and the links are
    /// installed before it is released, so the link table never has holes.
    /// </summary>
    public Lock PeersLock => _peersLock;

    /// <summary>
    /// Adds <paramref name="links"/> (to processes on <paramref name="hosts"/>) as process indices
    /// <see cref="ProcessCount"/> … and returns the first. Call under <see cref="PeersLock"/>.
    /// Wakes a blocked call on the new TCP sockets from now on.
    /// </summary>
    public int AddPeers(IPeerLink[] links, string[] hosts)
    {
        int first = _links.Length;
        IPeerLink[] all = [.. _links, .. links];
        string[] allHosts = [.. Hosts, .. hosts];
        Hosts = allHosts;
        Volatile.Write(ref _links, all);
        Engine.Connect(all);
        // The new processes on this host compete for its cores: wait as an oversubscribed rank would if they outnumber them.
        string self = allHosts[WorldRank];
        Engine.Waiting.ShareCores(Math.Max(Job.LocalSize, allHosts.Count(host => host == self)));
        // A blocked call sleeps on one signal: it must now watch the new sockets too. The old
        // one may still hold a sleeping thread (it wakes at its timeout and reads every link),
        // so it is retired, not disposed, until the rank ends.
        if (_pollingSignal is not null)
            _retiredSignals.Add(_pollingSignal);
        _pollingSignal = _control is null ? null : CreatePollingSignal(Options, all, _inbox);
        Engine.Progress.ArrivalSignal = _pollingSignal;
        return first;
    }

    private void DisposeRetiredSignals()
    {
        foreach (PollingArrivalSignal signal in _retiredSignals)
            signal.Dispose();
    }
}
