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
    /// <summary>
    /// Default size above which messages of a ranks-as-threads world switch from eager to
    /// rendezvous (a job's links take theirs from their transport: <see cref="Transport.Tcp.TcpLink.DefaultEagerLimit"/>,
    /// <see cref="Transport.SharedMemory.SharedMemoryLink.DefaultEagerLimit"/>).
    /// </summary>
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
            if (options.SharedMemoryCollectives)
            {
                runtime.WorldSharedArea = CreateSharedArea(job, inbox, wired.Links, engine, wired.Hosts, onlyHost: null);
                if (runtime.WorldSharedArea is null)
                    runtime.HostSharedArea = CreateSharedArea(job, inbox, wired.Links, engine, wired.Hosts, onlyHost: wired.Hosts[job.Rank]);
            }
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

    /// <summary>
    /// Shared collective buffers of the ranks of one host, members in world-rank order. With
    /// <paramref name="onlyHost"/> null, every rank of the world must share this host's memory:
    /// the world communicator's collectives then work on shared buffers directly. With a host
    /// name, the world spans hosts and the ranks of that host share their areas (each inbox has
    /// one, unused without a world area) for the world's host part
    /// (<see cref="Collectives.Hierarchical.NodeHierarchy"/>), when there are at least two of them.
    /// Null where a member is not reached through shared memory.
    /// </summary>
    private static unsafe Collectives.SharedMemory.SharedCollectiveArea? CreateSharedArea(JobEnvironment job, SharedMemoryInbox? inbox, IPeerLink[] links,
        Messenger engine, string[] hosts, string? onlyHost)
    {
        if (inbox is null)
            return null;
        var areas = new List<nint>();
        int rank = -1;
        for (int r = 0; r < job.Size; r++)
        {
            if (onlyHost is not null && hosts[r] != onlyHost)
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
        if (onlyHost is not null && (areas.Count < 2 || areas.Count == job.Size))
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
