using Hpc.Bootstrap;
using Hpc.Messaging;
using Hpc.Transport.InProcess;
using Hpc.Transport.SharedMemory;
using Hpc.Transport.Tcp;
using Hpc.Transport.Waiting;

namespace Hpc;

/// <summary>
/// Everything one rank owns: its messaging layer, its links to every other rank and its
/// control channel to the launcher. One per process in a real job; one per thread in the
/// ranks-as-threads worlds the tests build.
/// </summary>
internal sealed partial class RankRuntime : IDisposable
{
    /// <summary>Default size above which messages switch from eager to rendezvous.</summary>
    public const long DefaultEagerLimit = 64 * 1024;

    private IPeerLink[] _links;
    private readonly RendezvousClient? _control;
    private int _nextContext = FirstFreeContext;
    private int _disposed;

    /// <summary>
    /// Context ids each communicator owns, from its own id c: c for user traffic, c + 1 for its
    /// collectives, c + 2 / c + 3 for its host part and c + 4 / c + 5 for its host leaders (the
    /// node-aware algorithms' sub-communicators, <see cref="Collectives.Hierarchical.NodeHierarchy"/>).
    /// Reserving them with the communicator lets every member build those parts alone, without
    /// another agreement, whenever its first node-aware collective runs.
    /// </summary>
    public const int ContextsPerCommunicator = 6;

    /// <summary>The world communicator's contexts start at 0, self's at 6, wire-up's at 12.</summary>
    public const int WorldContext = 0;
    public const int SelfContext = ContextsPerCommunicator;
    private const int BootstrapContext = 2 * ContextsPerCommunicator;
    private const int FirstFreeContext = 3 * ContextsPerCommunicator;

    private readonly SharedMemoryInbox? _inbox;
    private PollingArrivalSignal? _pollingSignal;
    private DirectLaunchHost? _directHost;

    private RankRuntime(int worldRank, int worldSize, Messenger engine, IPeerLink[] links,
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
        Calls = new CallTracker(options.FlightRecorderSize, options.Profile, options.Trace);
        engine.Connect(links);
    }

    public int WorldRank { get; }
    public int WorldSize { get; }
    public Messenger Engine { get; }
    /// <summary>Host name of every process this rank has a link to, by process index: the world ranks, then the processes of groups connected later (<see cref="AddPeers"/>).</summary>
    public string[] Hosts { get; private set; }

    /// <summary>What each of this rank's threads is doing inside Hpc, for mpirun's <c>--timeout</c> report.</summary>
    public CallTracker Calls { get; }
    public JobEnvironment Job { get; }
    /// <summary>This rank's settings, parsed once from the environment (or given by a test).</summary>
    public RuntimeOptions Options { get; }

    /// <summary>
    /// A context id that no communicator of this rank uses yet. Collective creation agrees on the
    /// maximum of every member's candidate, then <see cref="ReserveContext"/>s it.
    /// </summary>
    public int NextContextCandidate => Volatile.Read(ref _nextContext);

    /// <summary>Marks <paramref name="context"/> and the <see cref="ContextsPerCommunicator"/> − 1 ids after it as used.</summary>
    public void ReserveContext(int context)
    {
        int next = context + ContextsPerCommunicator;
        int seen;
        do
        {
            seen = Volatile.Read(ref _nextContext);
            if (seen >= next)
                return;
        }
        while (Interlocked.CompareExchange(ref _nextContext, next, seen) != seen);
    }

    /// <summary>
    /// 0, 1, …, <paramref name="size"/> − 1: the members of the world and of wire-up's communicator.
    /// A loop, not Enumerable.Range: LINQ's code over int is in no ReadyToRun image, and every rank
    /// would JIT-compile it (and load System.Numerics.Vectors) in Mpi.Init.
    /// </summary>
    public static int[] AllRanks(int size)
    {
        var ranks = new int[size];
        for (int rank = 0; rank < size; rank++)
            ranks[rank] = rank;
        return ranks;
    }

    /// <summary>Starts this process's rank: wire-up through the launcher (<see cref="WireUp"/>), or a world of one.</summary>
    public static RankRuntime Start(JobEnvironment job, RuntimeOptions options)
    {
        // The launcher names the host from its placement when it has one: machines (or network
        // namespaces) can share a host name without sharing memory.
        string host = options.HostName ?? job.NodeName ?? WireUp.HostName(options);
        var engine = new Messenger(job.Rank, new Messaging.Waiting.WaitStrategy(job.LocalSize, options.SpinMicroseconds, job.HostCores));
        if (!job.IsLaunched)
            return new RankRuntime(0, 1, engine, [new InProcessLink(engine, job.Rank, long.MaxValue)], [host], job, options, null, null);

        // Before wire-up starts the rank's own threads, so they inherit it from this one.
        if (options.TimeSliceMicroseconds > 0)
            Messaging.Waiting.TimeSlice.ApplyToProcess(options.TimeSliceMicroseconds);

        // Direct launch (srun, env://): rank 0 hosts the rendezvous mpirun would have.
        DirectLaunchHost? directHost = job.HostsRendezvous ? DirectLaunchHost.Start(job, options.Verbose) : null;
        RendezvousClient control;
        WiredLinks wired;
        try
        {
            control = RendezvousClient.Connect(job, WireUp.Timeout);
        }
        catch
        {
            directHost?.Dispose();
            throw;
        }
        try
        {
            if (job.BindsWhereCoordinatorIsReached && control.LocalAddress is { } reached)
                options = options with { BindAddress = reached.IsIPv4MappedToIPv6 ? reached.MapToIPv4() : reached };
            wired = WireUp.Connect(job, options, host, engine, control);
        }
        catch
        {
            control.Dispose();
            directHost?.Dispose();
            throw;
        }
        SharedMemoryInbox? inbox = wired.Inbox;
        engine.Waiting.ShareCores(Math.Max(job.LocalSize, wired.RanksSharingCores));
        var runtime = new RankRuntime(job.Rank, job.Size, engine, wired.Links, wired.Hosts, job, options, control, inbox) { _directHost = directHost };
        try
        {
            runtime.WorldSharedArea = options.SharedMemoryCollectives ? CreateWorldSharedArea(job, inbox, wired.Links, engine) : null;
            if (runtime.WorldSharedArea is null && options.SharedMemoryCollectives)
                runtime.HostSharedArea = CreateHostSharedArea(job, inbox, wired.Links, wired.Hosts, engine);
            // A blocked call sleeps on the inbox doorbell itself when shared memory reaches every peer.
            if (inbox is not null && wired.Links.All(l => l is SharedMemoryLink or InProcessLink))
                engine.Progress.ArrivalSignal = inbox;
            else
                engine.Progress.ArrivalSignal = runtime._pollingSignal = CreatePollingSignal(options, wired.Links, inbox);
            inbox?.Start();
            control.StartControlLoop(() => runtime.Calls.Snapshot(runtime.WorldRank).ToJson());
            Diagnostics.HpcMetrics.Attach(runtime.Calls);
            Communicator? wireUp = inbox is not null || runtime.Calls.Timed
                ? new Communicator(runtime, BootstrapContext, AllRanks(job.Size), job.Rank, "wire-up")
                : null;
            if (inbox is not null)
            {
                // Once every rank has mapped every inbox the names can go: from here on a killed
                // rank leaves nothing behind in /dev/shm.
                wireUp!.Barrier();
                inbox.Unlink();
            }
            if (runtime.Calls.Timed)
            {
                // t = 0 of the profile and the trace: every rank leaves this barrier within
                // microseconds of the others, which aligns the ranks' clocks for the trace.
                runtime._userSpans = options.Trace ? new Diagnostics.UserSpans() : null;
                wireUp!.Barrier();
                runtime.Calls.StartClock();
            }
            return runtime;
        }
        catch
        {
            // Not Dispose: that would tell the launcher this rank finished normally.
            inbox?.Dispose();
            foreach (IPeerLink link in wired.Links)
                link.Dispose();
            runtime._pollingSignal?.Dispose();
            control.Dispose();
            directHost?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// When every rank shares this host's memory, the world communicator's collectives can work
    /// on shared buffers directly (<see cref="Collectives.SharedMemory.SharedCollectiveArea"/>).
    /// </summary>
    /// <summary>
    /// With TCP peers, a blocked call sleeps in poll(2) on the sockets (and the inbox's bell)
    /// itself, unless <c>HPC_DIRECT_WAKE=0</c> leaves the blocked phase to the background readers.
    /// </summary>
    private static PollingArrivalSignal? CreatePollingSignal(RuntimeOptions options, IPeerLink[] links, SharedMemoryInbox? inbox)
    {
        if (!options.DirectWake || !OperatingSystem.IsLinux() || !links.All(l => l is TcpLink or SharedMemoryLink or InProcessLink))
            return null;
        TcpLink[] sockets = [.. links.OfType<TcpLink>()];
        if (sockets.Length == 0)
            return null;
        bool hasSharedMemoryPeers = links.Any(l => l is SharedMemoryLink);
        if (hasSharedMemoryPeers && (inbox is null || !inbox.OpenBell()))
            return null;
        return new PollingArrivalSignal(sockets, hasSharedMemoryPeers ? inbox : null);
    }

    private static unsafe Collectives.SharedMemory.SharedCollectiveArea? CreateWorldSharedArea(JobEnvironment job, SharedMemoryInbox? inbox, IPeerLink[] links, Messenger engine)
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
        return new Collectives.SharedMemory.SharedCollectiveArea(areas, job.Rank, engine.Waiting, engine.Progress.Progress);
    }

    /// <summary>
    /// When the world spans hosts, the ranks of this host can still share their collective areas
    /// (each inbox has one, unused without a world area): the world's host part
    /// (<see cref="Collectives.Hierarchical.NodeHierarchy"/>) then runs its intra-host phases on
    /// them. Members in world-rank order, which is the host part's rank order.
    /// </summary>
    private static unsafe Collectives.SharedMemory.SharedCollectiveArea? CreateHostSharedArea(JobEnvironment job, SharedMemoryInbox? inbox, IPeerLink[] links,
        string[] hosts, Messenger engine)
    {
        if (inbox is null)
            return null;
        string host = hosts[job.Rank];
        var areas = new List<nint>();
        int rank = -1;
        for (int r = 0; r < job.Size; r++)
        {
            if (hosts[r] != host)
                continue;
            if (r == job.Rank)
            {
                rank = areas.Count;
                areas.Add((nint)inbox.CollectiveArea);
            }
            else if (links[r] is SharedMemoryLink link)
            {
                areas.Add((nint)link.PeerCollectiveArea);
            }
            else
            {
                return null;
            }
        }
        if (areas.Count < 2 || areas.Count == job.Size)
            return null;
        var pointers = new byte*[areas.Count];
        for (int i = 0; i < pointers.Length; i++)
            pointers[i] = (byte*)areas[i];
        return new Collectives.SharedMemory.SharedCollectiveArea(pointers, rank, engine.Waiting, engine.Progress.Progress);
    }

    /// <summary>
    /// Shared buffers of this host's ranks when the world spans several hosts (for the world's
    /// node-aware collectives); null on one host, or where a peer on this host is not reached
    /// through shared memory.
    /// </summary>
    public Collectives.SharedMemory.SharedCollectiveArea? HostSharedArea { get; private set; }

    /// <summary>Collective checking (<c>mpirun --check</c>, <c>HPC_CHECK=1</c>): every collective verifies that all ranks called it alike.</summary>
    public bool CheckCollectives => Options.CheckCollectives;

    /// <summary>Shared buffers of the world communicator when all ranks share one host; null otherwise.</summary>
    public Collectives.SharedMemory.SharedCollectiveArea? WorldSharedArea { get; private set; }

    /// <summary>
    /// Builds <paramref name="size"/> ranks that live in this process, linked in memory: the
    /// ranks-as-threads worlds that test every algorithm without sockets.
    /// </summary>
    public static RankRuntime[] CreateInProcessWorld(int size, long eagerLimit = DefaultEagerLimit, bool checkCollectives = false,
        InProcessCopies copies = InProcessCopies.None, string[]? hosts = null)
    {
        if (hosts is not null && hosts.Length != size)
            throw new ArgumentException($"{hosts.Length} host names for {size} ranks; give one per rank", nameof(hosts));
        // Ranks as threads share the cores as ranks as processes would: wait as such a job would.
        var options = new RuntimeOptions { EagerLimit = eagerLimit, CheckCollectives = checkCollectives };
        var waiting = new Messaging.Waiting.WaitStrategy(size, options.SpinMicroseconds);
        var engines = new Messenger[size];
        for (int r = 0; r < size; r++)
            engines[r] = new Messenger(r, waiting);
        var runtimes = new RankRuntime[size];
        // Ranks as threads may pretend to live on several hosts so node-aware code can be tested in one process.
        hosts ??= [.. Enumerable.Repeat("localhost", size)];
        // claims[sender][receiver]: the claim words of sender's large messages to receiver, shared by both links (see SharedCopy).
        long[][][]? claims = copies == InProcessCopies.None ? null
            : [.. Enumerable.Range(0, size).Select(_ => Enumerable.Range(0, size).Select(_ => InProcessLink.NewCopyClaims()).ToArray())];
        for (int r = 0; r < size; r++)
        {
            var links = new IPeerLink[size];
            for (int peer = 0; peer < size; peer++)
            {
                links[peer] = peer == r
                    ? new InProcessLink(engines[peer], r, long.MaxValue)
                    : new InProcessLink(engines[peer], r, eagerLimit, copies, claims?[peer][r], claims?[r][peer]);
            }
            var job = new JobEnvironment(r, size, r, size, null, "in-process", null);
            runtimes[r] = new RankRuntime(r, size, engines[r], links, hosts, job, options, null, null);
        }
        return runtimes;
    }

    /// <summary>
    /// Builds <paramref name="size"/> ranks in this process linked by real loopback TCP sockets
    /// (the full mesh, handshake and all, each rank with its own messaging layer, background
    /// readers and poll(2) sleeps), so the TCP transport's large-message path can be tested with
    /// ranks as threads. Dispose every runtime afterwards: that closes the sockets.
    /// </summary>
    public static RankRuntime[] CreateTcpWorld(int size, long eagerLimit = DefaultEagerLimit, Action<string>? log = null)
    {
        log ??= static _ => { };
        var options = new RuntimeOptions { EagerLimit = eagerLimit };
        var engines = new Messenger[size];
        var transports = new TcpTransport[size];
        for (int r = 0; r < size; r++)
        {
            engines[r] = new Messenger(r, new Messaging.Waiting.WaitStrategy(size, options.SpinMicroseconds));
            transports[r] = TcpTransport.Listen(System.Net.IPAddress.Loopback, log);
        }
        string[] endpoints = [.. transports.Select(t => t.Endpoint)];
        bool[] needsTcp = [.. Enumerable.Repeat(true, size)];
        string secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        // Every rank connects to the lower ones while accepting the higher ones: all at once.
        Task<IPeerLink?[]>[] wiring = [.. Enumerable.Range(0, size).Select(r => Task.Factory.StartNew(
            () => transports[r].ConnectAll(endpoints, needsTcp, r, secret, engines[r], engines[r].Progress, eagerLimit, TimeSpan.FromSeconds(30)),
            TaskCreationOptions.LongRunning))];
        Task.WaitAll(wiring);
        var runtimes = new RankRuntime[size];
        string[] hosts = [.. Enumerable.Repeat("localhost", size)];
        for (int r = 0; r < size; r++)
        {
            IPeerLink[] links = [.. wiring[r].Result.Select((link, peer) => link ?? new InProcessLink(engines[r], r, long.MaxValue))];
            var job = new JobEnvironment(r, size, r, size, null, "in-process-tcp", null);
            var runtime = new RankRuntime(r, size, engines[r], links, hosts, job, options, null, null);
            engines[r].Progress.ArrivalSignal = runtime._pollingSignal = CreatePollingSignal(options, links, null);
            runtimes[r] = runtime;
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

    private Diagnostics.UserSpans? _userSpans;

    /// <summary>
    /// At Finalize, before its barrier: sends mpirun this rank's profile (<c>--profile</c>) and
    /// trace (<c>--trace</c>) over the control channel, so mpirun merges every host's ranks.
    /// </summary>
    public void SendDiagnostics()
    {
        if (_control is not null && Calls.Timed)
            SendProfileAndTrace(_control);
    }

    /// <remarks>
    /// A method of its own: its references to the JSON writers make the runtime load
    /// System.Text.Json when the method is prepared, which a job without <c>--profile</c> or
    /// <c>--trace</c> should not pay for at Finalize (~2 ms of CPU per rank).
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void SendProfileAndTrace(RendezvousClient control)
    {
        string host = Hosts[WorldRank];
        if (Options.Profile)
            control.SendLong("PROFILE", Diagnostics.RankProfile.From(Calls, WorldRank, host).ToJson());
        if (Options.Trace)
        {
            _userSpans?.Dispose();
            control.SendLong("TRACE", Diagnostics.TraceExport.ToJson(Calls, WorldRank, host, _userSpans?.Spans ?? []));
        }
    }

    /// <summary>
    /// Ends the job with one line and exit code 1: an unhandled <see cref="CollectiveMismatchException"/>.
    /// mpirun prints the line once (every rank sends the same one), no stack trace.
    /// </summary>
    public void Fail(string message)
    {
        Console.Out.Flush();
        if (_control is null)
            Console.Error.WriteLine($"hpc: rank {WorldRank}: {message}");
        else
            _control.Fail(message);
        Console.Error.Flush();
        Environment.Exit(1);
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
        _pollingSignal?.Dispose();
        DisposeRetiredSignals();
        _control?.Dispose();
        _directHost?.WaitForOthers();
        _directHost?.Dispose();
    }
}
