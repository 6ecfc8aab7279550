using Hpc.Collectives;

namespace Hpc;

/// <summary>
/// A group of ranks that talk to each other (MPI_Comm): point-to-point messages addressed by
/// rank and tag, and collectives over all members. All members see the same <see cref="Size"/>;
/// each has its own <see cref="Rank"/>. Every method is safe to call from several threads at
/// once (MPI_THREAD_MULTIPLE); collectives must still be called in the same order on every rank.
/// </summary>
/// <remarks>
/// Data is any unmanaged element type (int, double, a struct of them): it travels as its raw
/// bytes, so sender and receiver must agree on the type.
/// </remarks>
public sealed unsafe partial class Communicator : IDisposable
{
    /// <summary>Receive from any sender (MPI_ANY_SOURCE).</summary>
    public const int AnySource = -1;

    /// <summary>Receive with any tag (MPI_ANY_TAG).</summary>
    public const int AnyTag = -1;

    /// <summary>
    /// The null process (MPI_PROC_NULL): a send to it or a receive from it completes at once and
    /// moves nothing; a receive reports source <see cref="ProcNull"/>, tag <see cref="AnyTag"/> and
    /// count 0. <c>Shift</c> on a Cartesian topology returns it past a non-periodic edge.
    /// </summary>
    public const int ProcNull = -2;

    private readonly int[] _worldRanks;
    private bool _disposed;

    /// <param name="runtime">The rank's runtime.</param>
    /// <param name="context">The first of the <see cref="RankRuntime.ContextsPerCommunicator"/> context ids the communicator owns.</param>
    /// <param name="worldRanks">World rank of each member, by rank here.</param>
    /// <param name="rank">This rank here.</param>
    /// <param name="name">For messages.</param>
    /// <param name="hierarchyPart">
    /// The host or leader part of a node-aware algorithm (<see cref="Collectives.Hierarchical.NodeHierarchy"/>):
    /// it never runs node-aware itself, and <paramref name="hostArea"/> is its shared area.
    /// </param>
    /// <param name="hostArea">Shared buffers of a host part; null for every other communicator.</param>
    internal Communicator(RankRuntime runtime, int context, int[] worldRanks, int rank, string name, bool hierarchyPart = false,
        Collectives.SharedMemory.SharedCollectiveArea? hostArea = null)
    {
        Runtime = runtime;
        Context = context;
        _worldRanks = worldRanks;
        Rank = rank;
        Name = name;
        Collective = new CollectiveContext(this);
        // Only the world has a shared collective area (Collectives/SharedMemory), and only
        // when all of its ranks share one host's memory; or, when the world spans hosts, the
        // world's host part.
        SharedArea = hierarchyPart ? hostArea : context == RankRuntime.WorldContext ? runtime.WorldSharedArea : null;
        Topology = CollectiveTopology.Of(worldRanks, runtime.Hosts, SharedArea is not null, hierarchyAllowed: !hierarchyPart);
        runtime.Calls.Register(this);
    }

    /// <summary>This process's rank in the communicator, 0 … <see cref="Size"/> − 1.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks in the communicator.</summary>
    public int Size => _worldRanks.Length;

    /// <summary>A name for messages and diagnostics ("world", "self", "split of world", …).</summary>
    public string Name { get; }

    internal RankRuntime Runtime { get; }
    internal int Context { get; }
    internal CollectiveContext Collective { get; }

    /// <summary>The shared buffers the shared-memory algorithms run on; null where there are none.</summary>
    internal Collectives.SharedMemory.SharedCollectiveArea? SharedArea { get; }

    /// <summary>Ranks, hosts and shared area: which algorithm families this communicator can use, worked out once here.</summary>
    internal CollectiveTopology Topology { get; }

    /// <summary>World rank of the member with rank <paramref name="rank"/> here.</summary>
    internal int WorldRankOf(int rank) => _worldRanks[rank];

    internal ReadOnlySpan<int> WorldRanks => _worldRanks;

    // ------------------------------------------------------------------ misc

    /// <summary>Ends the whole job, every rank, with exit code <paramref name="errorCode"/> (MPI_Abort).</summary>
    public void Abort(int errorCode, string reason = "")
    {
        Runtime.Abort(errorCode, reason.Length == 0 ? $"Abort({errorCode}) on {Name}" : reason);
    }

    /// <summary>
    /// Releases the communicator (MPI_Comm_free): it cannot be used afterwards. Disposing the
    /// world or self communicator does nothing: they belong to the session, which releases them
    /// when it is disposed (MPI_Finalize), so a <c>using</c> on <c>session.World</c> is harmless
    /// and the finalizing barrier still runs. Attributes' delete callbacks run first.
    /// </summary>
    public void Dispose()
    {
        if (IsPredefined || _disposed)
            return;
        DeleteAllAttributes();
        _disposed = true;
    }

    /// <summary>The world or self communicator (MPI_COMM_WORLD, MPI_COMM_SELF), owned by the session.</summary>
    private bool IsPredefined => Context is RankRuntime.WorldContext or RankRuntime.SelfContext;

    internal bool IsDisposed => _disposed;

    /// <inheritdoc />
    public override string ToString() => $"{Name} (rank {Rank} of {Size})";
}
