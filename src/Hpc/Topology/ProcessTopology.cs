namespace Hpc;

/// <summary>Which kind of virtual topology a communicator carries (MPI_Topo_test: MPI_CART, MPI_GRAPH, MPI_DIST_GRAPH).</summary>
public enum TopologyKind
{
    /// <summary>A grid of ranks with coordinates (MPI_Cart_create).</summary>
    Cartesian,

    /// <summary>A graph every rank knows whole (MPI_Graph_create).</summary>
    Graph,

    /// <summary>A graph each rank knows only its own edges of (MPI_Dist_graph_create_adjacent).</summary>
    DistributedGraph,
}

/// <summary>
/// A virtual topology attached to a communicator (<see cref="Communicator.VirtualTopology"/>):
/// who each rank's neighbours are. The neighbourhood collectives
/// (<see cref="Communicator.NeighborAllgather{T}(ReadOnlySpan{T}, Span{T})"/> and the others)
/// receive block i from <see cref="Sources"/>[i] and send block j to <see cref="Destinations"/>[j].
/// </summary>
/// <remarks>
/// A topology is immutable and describes the calling rank's view; it is created with the
/// communicator (<see cref="Communicator.CreateCartesian"/>, <see cref="Communicator.CreateGraph"/>,
/// <see cref="Communicator.CreateDistributedGraph(ReadOnlySpan{int}, ReadOnlySpan{int}, bool)"/>) and copied by <see cref="Communicator.Dup"/>.
/// </remarks>
public abstract class ProcessTopology
{
    private readonly int[] _sources;
    private readonly int[] _destinations;

    private protected ProcessTopology(int[] sources, int[] destinations)
    {
        _sources = sources;
        _destinations = destinations;
    }

    /// <summary>Which kind of topology this is.</summary>
    public abstract TopologyKind Kind { get; }

    /// <summary>
    /// The ranks this rank receives from in a neighbourhood collective, in block order
    /// (MPI_Dist_graph_neighbors' sources). May hold <see cref="Communicator.ProcNull"/> (a
    /// Cartesian edge) and repeats (a multigraph).
    /// </summary>
    public ReadOnlySpan<int> Sources => _sources;

    /// <summary>The ranks this rank sends to in a neighbourhood collective, in block order; see <see cref="Sources"/>.</summary>
    public ReadOnlySpan<int> Destinations => _destinations;

    /// <summary>Number of <see cref="Sources"/> (the in-degree, MPI_Dist_graph_neighbors_count).</summary>
    public int InDegree => _sources.Length;

    /// <summary>Number of <see cref="Destinations"/> (the out-degree).</summary>
    public int OutDegree => _destinations.Length;

    /// <summary>
    /// The order in which a neighbourhood collective posts its receives (indices into
    /// <see cref="Sources"/>). Sends start in destination order, and messages between two ranks
    /// with one tag match in order, so the k-th message a rank sends to a peer must meet the k-th
    /// receive that peer posts from it. The identity suits graphs; a Cartesian grid overrides it.
    /// </summary>
    internal virtual int ReceivePostingOrder(int index) => index;
}
