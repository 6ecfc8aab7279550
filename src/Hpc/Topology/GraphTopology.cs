namespace Hpc;

/// <summary>
/// A graph every rank knows whole (MPI_Graph_create): node i's neighbours are
/// <c>edges[index[i−1] … index[i])</c> (with index[−1] = 0), as in MPI. Self-loops and repeated
/// edges are allowed. The neighbourhood collectives send to and receive from
/// <see cref="NeighborsOf"/>(this rank), so they need a symmetric graph, as MPI's do.
/// </summary>
public sealed class GraphTopology : ProcessTopology
{
    private readonly int[] _index;
    private readonly int[] _edges;

    internal GraphTopology(int[] index, int[] edges, int rank)
        : base(Slice(index, edges, rank), Slice(index, edges, rank))
    {
        _index = index;
        _edges = edges;
        Rank = rank;
    }

    /// <inheritdoc />
    public override TopologyKind Kind => TopologyKind.Graph;

    /// <summary>Number of nodes, the size of the graph's communicator (MPI_Graphdims_get's nnodes).</summary>
    public int NodeCount => _index.Length;

    /// <summary>Number of edges, counted once per entry of the edge list (MPI_Graphdims_get's nedges).</summary>
    public int EdgeCount => _edges.Length;

    /// <summary>The cumulative neighbour counts (MPI_Graph_get's index).</summary>
    public ReadOnlySpan<int> Index => _index;

    /// <summary>Every node's neighbours, one after the other (MPI_Graph_get's edges).</summary>
    public ReadOnlySpan<int> Edges => _edges;

    /// <summary>This rank in the graph's communicator.</summary>
    public int Rank { get; }

    /// <summary>The neighbours of <paramref name="rank"/>, in edge-list order (MPI_Graph_neighbors).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rank"/> is not a node.</exception>
    public ReadOnlySpan<int> NeighborsOf(int rank)
    {
        if ((uint)rank >= (uint)_index.Length)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank {rank} is not a node of the graph (nodes 0 … {_index.Length - 1})");
        int start = rank == 0 ? 0 : _index[rank - 1];
        return _edges.AsSpan(start, _index[rank] - start);
    }

    /// <summary>
    /// Checks MPI_Graph_create's arguments: index non-decreasing from 0, edges naming nodes.
    /// Every message names the bad entry and what would be valid.
    /// </summary>
    internal static void Validate(ReadOnlySpan<int> index, ReadOnlySpan<int> edges, int communicatorSize)
    {
        if (index.Length > communicatorSize)
            throw new ArgumentException($"the graph has {index.Length} nodes but the communicator only {communicatorSize} ranks", nameof(index));
        int previous = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if (index[i] < previous)
                throw new ArgumentException($"index[{i}] = {index[i]} is below index[{i - 1}] = {previous}; index holds cumulative neighbour counts, non-decreasing from 0", nameof(index));
            previous = index[i];
        }
        if (previous != edges.Length)
            throw new ArgumentException($"index ends at {previous} but {edges.Length} edges are given; the last index entry is the number of edges", nameof(edges));
        for (int e = 0; e < edges.Length; e++)
        {
            if ((uint)edges[e] >= (uint)index.Length)
                throw new ArgumentException($"edges[{e}] = {edges[e]} is not a node; nodes are 0 … {index.Length - 1}", nameof(edges));
        }
    }

    private static int[] Slice(int[] index, int[] edges, int rank)
    {
        int start = rank == 0 ? 0 : index[rank - 1];
        return edges[start..index[rank]];
    }
}
