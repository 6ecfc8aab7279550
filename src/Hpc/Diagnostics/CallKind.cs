namespace Hpc.Diagnostics;

/// <summary>The kinds of call the tracker, the profile and the trace tell apart.</summary>
internal enum CallKind : byte
{
    /// <summary>Not inside a call.</summary>
    None,
    /// <summary>Blocking send.</summary>
    Send,
    /// <summary>Blocking receive.</summary>
    Receive,
    /// <summary>Send and receive in one call.</summary>
    SendReceive,
    /// <summary>Blocking probe.</summary>
    Probe,
    /// <summary>MPI_Barrier.</summary>
    Barrier,
    /// <summary>MPI_Bcast.</summary>
    Broadcast,
    /// <summary>MPI_Reduce.</summary>
    Reduce,
    /// <summary>MPI_Allreduce.</summary>
    Allreduce,
    /// <summary>MPI_Gather.</summary>
    Gather,
    /// <summary>MPI_Gatherv.</summary>
    Gatherv,
    /// <summary>MPI_Scatter.</summary>
    Scatter,
    /// <summary>MPI_Scatterv.</summary>
    Scatterv,
    /// <summary>MPI_Allgather.</summary>
    Allgather,
    /// <summary>MPI_Allgatherv.</summary>
    Allgatherv,
    /// <summary>MPI_Alltoall.</summary>
    Alltoall,
    /// <summary>MPI_Alltoallv.</summary>
    Alltoallv,
    /// <summary>MPI_Scan.</summary>
    Scan,
    /// <summary>MPI_Exscan.</summary>
    Exscan,
    /// <summary>MPI_Reduce_scatter (and _block).</summary>
    ReduceScatter,
    /// <summary>MPI_Neighbor_allgather.</summary>
    NeighborAllgather,
    /// <summary>MPI_Neighbor_allgatherv.</summary>
    NeighborAllgatherv,
    /// <summary>MPI_Neighbor_alltoall.</summary>
    NeighborAlltoall,
    /// <summary>MPI_Neighbor_alltoallv.</summary>
    NeighborAlltoallv,
    /// <summary>A thread asleep inside a call, waiting for a peer (trace spans only).</summary>
    Wait,
}

/// <summary>Names and classes of <see cref="CallKind"/>.</summary>
internal static class CallKinds
{
    /// <summary>Number of kinds, for arrays indexed by kind.</summary>
    public const int Count = (int)CallKind.Wait + 1;

    private static readonly string[] s_names = [.. Enumerable.Range(0, Count).Select(k => ((CallKind)k).ToString())];

    /// <summary>The kind's name, without allocating.</summary>
    public static string Name(CallKind kind) => s_names[(int)kind];

    /// <summary>True for the collectives (every member calls it; it has a sequence number).</summary>
    public static bool IsCollective(CallKind kind) => kind is >= CallKind.Barrier and <= CallKind.NeighborAlltoallv;

    /// <summary>True for the v-forms, whose counts differ by rank.</summary>
    public static bool IsVector(CallKind kind) => kind is CallKind.Gatherv or CallKind.Scatterv or CallKind.Allgatherv or CallKind.Alltoallv
        or CallKind.NeighborAllgatherv or CallKind.NeighborAlltoallv;
}
