using Hpc.Interop;
using Hpc.Messaging;
using Hpc.Transport.InProcess;
using Hpc.Transport.SharedMemory;
using Hpc.Transport.Tcp;

namespace Hpc.Bootstrap;

/// <summary>The transports a rank can reach a peer by, in the order wire-up prefers them.</summary>
internal enum TransportKind
{
    /// <summary>The rank itself: frames go straight to its own messaging layer.</summary>
    Self,
    /// <summary>A rank on the same host: the shared-memory inboxes.</summary>
    SharedMemory,
    /// <summary>Any rank: an authenticated TCP connection.</summary>
    Tcp,
}

/// <summary>What a rank published at rendezvous: its host and its endpoints.</summary>
internal readonly record struct PeerEndpoint(int Rank, string Host, string Endpoint)
{
    private const string KernelMarker = ",kernel:";
    private const string SharedMemoryMarker = ",shm:";

    /// <summary>
    /// The endpoint string a rank publishes: its TCP endpoint, then the kernel it runs on when
    /// known, then its inbox when it has one (the inbox path comes last: it may hold any character).
    /// </summary>
    public static string Publish(string tcpEndpoint, string? inboxPath, string? kernel = null) =>
        tcpEndpoint + (kernel is null ? "" : KernelMarker + kernel) + (inboxPath is null ? "" : SharedMemoryMarker + inboxPath);

    /// <summary>The path of the peer's shared-memory inbox, or null when it has none.</summary>
    public string? InboxPath
    {
        get
        {
            int at = Endpoint.IndexOf(SharedMemoryMarker, StringComparison.Ordinal);
            return at < 0 ? null : Endpoint[(at + SharedMemoryMarker.Length)..];
        }
    }

    /// <summary>
    /// The kernel the peer runs on (<see cref="MachineIdentity.Kernel"/>), or its host name when it
    /// published none: ranks with the same kernel share its cores, whatever their host names say.
    /// </summary>
    public string Kernel
    {
        get
        {
            int at = Endpoint.IndexOf(KernelMarker, StringComparison.Ordinal);
            if (at < 0)
                return Host;
            int start = at + KernelMarker.Length;
            int end = Endpoint.IndexOf(',', start);
            return end < 0 ? Endpoint[start..] : Endpoint[start..end];
        }
    }

    /// <summary>The TCP part of the endpoint.</summary>
    public string TcpEndpoint
    {
        get
        {
            int at = Endpoint.IndexOf(',', StringComparison.Ordinal);
            return at < 0 ? Endpoint : Endpoint[..at];
        }
    }
}

/// <summary>The links wire-up built, one per world rank, and what they are made of.</summary>
/// <param name="Links">One link per world rank.</param>
/// <param name="Hosts">Each rank's host name.</param>
/// <param name="Inbox">This rank's shared-memory inbox, when it has one.</param>
/// <param name="RanksSharingCores">Ranks of the job on this rank's kernel (itself included): the ranks
/// that compete for its cores, more than its host's ranks when "hosts" are containers or network
/// namespaces of one machine.</param>
internal sealed record WiredLinks(IPeerLink[] Links, string[] Hosts, SharedMemoryInbox? Inbox, int RanksSharingCores);

/// <summary>
/// Wire-up, one named step as Gloo's <c>connectFullMesh</c>: the rank publishes its endpoints
/// through the launcher's rendezvous, learns everyone's, chooses a transport per peer from one
/// table (<see cref="Choose"/>, as NCCL's <c>selectTransport</c> asks each transport whether it
/// can connect) and builds the links. Nothing else in the library decides which transport
/// carries a peer's messages.
/// </summary>
internal static class WireUp
{
    /// <summary>How long wire-up waits for peers before it gives up naming them.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The transport that carries messages to <paramref name="peer"/>: the first of the table
    /// that can connect. Shared memory needs the same host and an inbox on both sides; TCP reaches
    /// everyone, unless <c>HPC_TRANSPORT=shm</c> forbids it.
    /// </summary>
    /// <exception cref="HpcException">HPC_TRANSPORT=shm, but the peer is on another host.</exception>
    public static TransportKind Choose(PeerEndpoint self, PeerEndpoint peer, bool hasInbox, TransportChoice choice)
    {
        if (peer.Rank == self.Rank)
            return TransportKind.Self;
        if (hasInbox && peer.Host == self.Host && peer.InboxPath is not null)
            return TransportKind.SharedMemory;
        if (choice == TransportChoice.SharedMemory)
            throw new HpcException($"HPC_TRANSPORT=shm, but rank {peer.Rank} runs on host '{peer.Host}', not on '{self.Host}'");
        return TransportKind.Tcp;
    }

    /// <summary>Connects this rank to every rank of the job.</summary>
    /// <exception cref="HpcException">A peer could not be reached or authenticated in time, or the settings forbid the only way to it.</exception>
    public static WiredLinks Connect(JobEnvironment job, RuntimeOptions options, string host, Messenger messenger, RendezvousClient control)
    {
        Action<string> log = message => Console.Error.WriteLine($"hpc: rank {job.Rank}: {message}");
        SharedMemoryInbox? inbox = null;
        var links = new IPeerLink?[job.Size];
        try
        {
            if (options.Transport != TransportChoice.Tcp && OperatingSystem.IsLinux())
            {
                inbox = SharedMemoryInbox.Create(job.JobId, job.Rank, job.Size, messenger.Progress);
                LinuxNative.AllowSiblingReads();
            }
            using TcpTransport tcp = TcpTransport.Listen(options.BindAddress, log);
            (string Host, string Endpoint)[] table = control.Exchange(host, PeerEndpoint.Publish(tcp.Endpoint, inbox?.Path, MachineIdentity.Kernel), job.Size);
            // Plain loops, not LINQ: generic code over PeerEndpoint (a struct of this assembly) has no
            // precompiled form in the framework's images, and every rank would JIT-compile ~40
            // methods of it at start-up.
            var peers = new PeerEndpoint[job.Size];
            for (int rank = 0; rank < peers.Length; rank++)
                peers[rank] = new PeerEndpoint(rank, table[rank].Host, table[rank].Endpoint);
            PeerEndpoint self = peers[job.Rank];
            var kinds = new TransportKind[peers.Length];
            var tcpEndpoints = new string[peers.Length];
            var needsTcp = new bool[peers.Length];
            var hosts = new string[peers.Length];
            for (int rank = 0; rank < peers.Length; rank++)
            {
                kinds[rank] = Choose(self, peers[rank], inbox is not null, options.Transport);
                tcpEndpoints[rank] = peers[rank].TcpEndpoint;
                needsTcp[rank] = kinds[rank] == TransportKind.Tcp;
                hosts[rank] = peers[rank].Host;
            }

            IPeerLink?[] tcpLinks = tcp.ConnectAll(tcpEndpoints, needsTcp,
                job.Rank, job.Secret!, messenger, messenger.Progress, options.EagerLimit ?? TcpLink.DefaultEagerLimit, Timeout);
            long segmentBytes = SharedMemoryInbox.SegmentBytes(job.Size, SharedMemoryInbox.RingBytesFor(job.Size));
            for (int peer = 0; peer < job.Size; peer++)
            {
                links[peer] = kinds[peer] switch
                {
                    TransportKind.Self => new InProcessLink(messenger, job.Rank, long.MaxValue),
                    TransportKind.SharedMemory => OpenSharedMemoryLink(peers[peer], inbox!, segmentBytes, job, options, messenger),
                    _ => tcpLinks[peer],
                };
            }
            return new WiredLinks(links!, hosts, inbox, RanksSharingCores(peers, self));
        }
        catch
        {
            foreach (IPeerLink? link in links)
                link?.Dispose();
            inbox?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The ranks that run on <paramref name="self"/>'s kernel, itself included: they compete for
    /// its cores whether or not they share its host name (and so its shared memory).
    /// </summary>
    public static int RanksSharingCores(PeerEndpoint[] peers, PeerEndpoint self)
    {
        int count = 0;
        foreach (PeerEndpoint peer in peers)
            count += peer.Kernel == self.Kernel ? 1 : 0;
        return count;
    }

    private static SharedMemoryLink OpenSharedMemoryLink(PeerEndpoint peer, SharedMemoryInbox inbox, long segmentBytes, JobEnvironment job,
        RuntimeOptions options, Messenger messenger)
    {
        var link = new SharedMemoryLink(messenger, messenger.Progress, peer.Rank, inbox, SharedSegment.Open(peer.InboxPath!, segmentBytes),
            options.Verbose, options.SingleCopy, options.EagerLimit, populate: SharedMemoryInbox.PopulatesAtStart(job.Size));
        inbox.Register(link);
        return link;
    }

    /// <summary>The host name this rank goes by: the launcher's placement, else the machine's.</summary>
    public static string HostName(RuntimeOptions options) => options.HostName ?? MachineIdentity.HostName;
}
