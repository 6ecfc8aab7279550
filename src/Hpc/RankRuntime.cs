using System.Net;
using Hpc.Bootstrap;
using Hpc.Messaging;
using Hpc.Transport.InProcess;
using Hpc.Transport.SharedMemory;
using Hpc.Transport.Tcp;

namespace Hpc;

/// <summary>
/// Everything one rank owns: its matching engine, its links to every other rank and its
/// control channel to the launcher. One per process in a real job; one per thread in the
/// ranks-as-threads worlds the tests build.
/// </summary>
internal sealed class RankRuntime : IDisposable
{
    /// <summary>Default size above which messages switch from eager to rendezvous.</summary>
    public const long DefaultEagerLimit = 64 * 1024;

    private readonly IPeerLink[] _links;
    private readonly RendezvousClient? _control;
    private int _nextContext = FirstFreeContext;
    private int _disposed;

    /// <summary>Contexts 0/1 belong to the world communicator, 2/3 to self, 4/5 to wire-up.</summary>
    public const int WorldContext = 0;
    public const int SelfContext = 2;
    private const int BootstrapContext = 4;
    private const int FirstFreeContext = 6;

    private readonly SharedMemoryInbox? _inbox;

    private RankRuntime(int worldRank, int worldSize, MatchingEngine engine, IPeerLink[] links,
        string[] hosts, JobEnvironment job, RuntimeOptions options, RendezvousClient? control, SharedMemoryInbox? inbox)
    {
        Options = options;
        _inbox = inbox;
        WorldRank = worldRank;
        WorldSize = worldSize;
        Engine = engine;
        _links = links;
        Hosts = hosts;
        Job = job;
        _control = control;
        engine.Connect(links);
    }

    public int WorldRank { get; }
    public int WorldSize { get; }
    public MatchingEngine Engine { get; }
    /// <summary>Host name of every world rank.</summary>
    public string[] Hosts { get; }
    public JobEnvironment Job { get; }
    /// <summary>This rank's settings, parsed once from the environment (or given by a test).</summary>
    public RuntimeOptions Options { get; }

    /// <summary>
    /// A context id that no communicator of this rank uses yet. Collective creation agrees on the
    /// maximum of every member's candidate, then <see cref="ReserveContext"/>s it.
    /// </summary>
    public int NextContextCandidate => Volatile.Read(ref _nextContext);

    /// <summary>Marks <paramref name="context"/> and its collective twin as used.</summary>
    public void ReserveContext(int context)
    {
        int next = context + 2;
        int seen;
        do
        {
            seen = Volatile.Read(ref _nextContext);
            if (seen >= next)
                return;
        }
        while (Interlocked.CompareExchange(ref _nextContext, next, seen) != seen);
    }

    /// <summary>Starts this process's rank: wire-up through the launcher, or a world of one.</summary>
    public static RankRuntime Start(JobEnvironment job, RuntimeOptions options)
    {
        Action<string> log = message => Console.Error.WriteLine($"hpc: rank {job.Rank}: {message}");
        long eagerLimit = options.EagerLimit ?? DefaultEagerLimit;
        bool verbose = options.Verbose;
        bool singleCopy = options.SingleCopy;
        // The launcher names the host from its placement when it has one: machines (or network
        // namespaces) can share a host name without sharing memory.
        string host = options.HostName ?? Dns.GetHostName();
        var engine = new MatchingEngine(job.Rank, new Messaging.Waiting.WaitStrategy(job.LocalSize, options.SpinMicroseconds));
        var selfLink = new InProcessLink(engine, job.Rank, long.MaxValue);
        if (!job.IsLaunched)
            return new RankRuntime(0, 1, engine, [selfLink], [host], job, options, null, null);

        var timeout = TimeSpan.FromSeconds(60);
        RendezvousClient control = RendezvousClient.Connect(job, timeout);
        SharedMemoryInbox? inbox = null;
        var links = new IPeerLink?[job.Size];
        try
        {
            IPAddress bindAddress = options.BindAddress;
            if (options.Transport != TransportChoice.Tcp && OperatingSystem.IsLinux())
            {
                inbox = SharedMemoryInbox.Create(job.JobId, job.Rank, job.Size, engine);
                LinuxNative.AllowSiblingReads();
            }
            using TcpTransport tcp = TcpTransport.Listen(bindAddress, log);
            string endpoint = tcp.Endpoint + (inbox is null ? "" : ",shm:" + inbox.Path);
            (string Host, string Endpoint)[] table = control.Exchange(host, endpoint, job.Size);

            var needsTcp = new bool[job.Size];
            var shmPaths = new string?[job.Size];
            for (int peer = 0; peer < job.Size; peer++)
            {
                if (peer == job.Rank)
                    continue;
                int shm = table[peer].Endpoint.IndexOf(",shm:", StringComparison.Ordinal);
                if (inbox is not null && table[peer].Host == host && shm >= 0)
                    shmPaths[peer] = table[peer].Endpoint[(shm + 5)..];
                else if (options.Transport == TransportChoice.SharedMemory)
                    throw new HpcException($"HPC_TRANSPORT=shm, but rank {peer} runs on host '{table[peer].Host}', not on '{host}'");
                else
                    needsTcp[peer] = true;
            }
            IPeerLink?[] tcpLinks = tcp.ConnectAll([.. table.Select(t => t.Endpoint)], needsTcp, job.Rank, job.Secret!, engine, eagerLimit, timeout);
            long segmentBytes = SharedMemoryInbox.SegmentBytes(job.Size, SharedMemoryInbox.RingBytesFor(job.Size));
            for (int peer = 0; peer < job.Size; peer++)
            {
                if (peer == job.Rank)
                    links[peer] = selfLink;
                else if (shmPaths[peer] is string path)
                {
                    var link = new SharedMemoryLink(engine, peer, inbox!, SharedSegment.Open(path, segmentBytes), verbose, singleCopy, options.EagerLimit,
                        populate: SharedMemoryInbox.PopulatesAtStart(job.Size));
                    inbox!.Register(link);
                    links[peer] = link;
                }
                else
                    links[peer] = tcpLinks[peer];
            }
            var runtime = new RankRuntime(job.Rank, job.Size, engine, links!, [.. table.Select(t => t.Host)], job, options, control, inbox);
            runtime.WorldSharedArea = options.SharedMemoryCollectives ? CreateWorldSharedArea(job, inbox, links!, engine) : null;
            // A blocked call sleeps on the inbox doorbell itself when shared memory reaches every peer.
            if (inbox is not null && links.All(l => l is SharedMemoryLink or InProcessLink))
                engine.ArrivalSignal = inbox;
            inbox?.Start();
            control.StartControlLoop(CallTracker.Describe);
            if (inbox is not null)
            {
                // Once every rank has mapped every inbox the names can go: from here on a killed
                // rank leaves nothing behind in /dev/shm.
                new Communicator(runtime, BootstrapContext, [.. Enumerable.Range(0, job.Size)], job.Rank, "wire-up").Barrier();
                inbox.Unlink();
            }
            return runtime;
        }
        catch
        {
            foreach (IPeerLink? link in links)
                link?.Dispose();
            inbox?.Dispose();
            control.Dispose();
            throw;
        }
    }

    /// <summary>
    /// When every rank shares this host's memory, the world communicator's collectives can work
    /// on shared buffers directly (<see cref="Collectives.SharedMemory.SharedCollectiveArea"/>).
    /// </summary>
    private static unsafe Collectives.SharedMemory.SharedCollectiveArea? CreateWorldSharedArea(JobEnvironment job, SharedMemoryInbox? inbox, IPeerLink[] links, MatchingEngine engine)
    {
        if (inbox is null)
            return null;
        var areas = new byte*[job.Size];
        for (int r = 0; r < job.Size; r++)
        {
            if (r == job.Rank)
                areas[r] = inbox.CollectiveArea;
            else if (links[r] is SharedMemoryLink link)
                areas[r] = link.PeerCollectiveArea;
            else
                return null;
        }
        return new Collectives.SharedMemory.SharedCollectiveArea(areas, job.Rank, engine.Waiting, engine.Progress);
    }

    /// <summary>Collective checking (<c>mpirun --check</c>, <c>HPC_CHECK=1</c>): every collective verifies that all ranks called it alike.</summary>
    public bool CheckCollectives => Options.CheckCollectives;

    /// <summary>Shared buffers of the world communicator when all ranks share one host; null otherwise.</summary>
    public Collectives.SharedMemory.SharedCollectiveArea? WorldSharedArea { get; private set; }

    /// <summary>
    /// Builds <paramref name="size"/> ranks that live in this process, linked in memory: the
    /// ranks-as-threads worlds that test every algorithm without sockets.
    /// </summary>
    public static RankRuntime[] CreateInProcessWorld(int size, long eagerLimit = DefaultEagerLimit, bool checkCollectives = false,
        InProcessCopies copies = InProcessCopies.None)
    {
        // Ranks as threads share the cores as ranks as processes would: wait as such a job would.
        var options = new RuntimeOptions { EagerLimit = eagerLimit, CheckCollectives = checkCollectives };
        var waiting = new Messaging.Waiting.WaitStrategy(size, options.SpinMicroseconds);
        var engines = new MatchingEngine[size];
        for (int r = 0; r < size; r++)
            engines[r] = new MatchingEngine(r, waiting);
        var runtimes = new RankRuntime[size];
        string[] hosts = [.. Enumerable.Repeat("localhost", size)];
        for (int r = 0; r < size; r++)
        {
            var links = new IPeerLink[size];
            for (int peer = 0; peer < size; peer++)
                links[peer] = new InProcessLink(engines[peer], r, peer == r ? long.MaxValue : eagerLimit, peer == r ? InProcessCopies.None : copies);
            var job = new JobEnvironment(r, size, r, size, null, "in-process", null);
            runtimes[r] = new RankRuntime(r, size, engines[r], links, hosts, job, options, null, null);
        }
        return runtimes;
    }

    /// <summary>Ends the whole job with <paramref name="code"/> (MPI_Abort).</summary>
    public void Abort(int code, string reason)
    {
        Console.Out.Flush();
        Console.Error.WriteLine($"hpc: rank {WorldRank} called Abort({code}): {reason}");
        _control?.Abort(code, reason);
        Environment.Exit(code);
    }

    /// <summary>Tells the launcher this rank is done, then closes every link.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _control?.Finish();
        // The inbox reader goes first: a frame it dispatched could otherwise answer through a
        // peer's mapping that is already gone.
        _inbox?.Dispose();
        foreach (IPeerLink link in _links)
            link.Dispose();
        _control?.Dispose();
    }
}
