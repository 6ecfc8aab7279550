using Hpc.Reduction;

namespace Hpc;

// Virtual topologies (MPI_Cart_create, MPI_Cart_sub, MPI_Graph_create,
// MPI_Dist_graph_create_adjacent): a new communicator that carries a ProcessTopology. Each
// creation is collective over this communicator and checks its arguments before it sends
// anything, so ranks that all pass the same bad arguments all fail with the same message and
// none is left waiting. reorder is accepted and ignored: every rank keeps its rank, which MPI
// allows, and which keeps a grid's ranks where the user put them.
public sealed partial class Communicator
{
    /// <summary>The virtual topology this communicator carries (MPI_Topo_test); null when it has none.</summary>
    public ProcessTopology? VirtualTopology { get; private set; }

    /// <summary>The Cartesian topology of a communicator made by <see cref="CreateCartesian"/> or <see cref="CartesianSubgrid"/>.</summary>
    /// <exception cref="InvalidOperationException">The communicator has no Cartesian topology.</exception>
    public CartesianTopology Cartesian => VirtualTopology as CartesianTopology
        ?? throw new InvalidOperationException($"communicator '{Name}' has no Cartesian topology ({DescribeTopology()}); make one with CreateCartesian");

    /// <summary>
    /// A communicator whose ranks form a grid of <paramref name="dims"/> (MPI_Cart_create),
    /// periodic along the dimensions where <paramref name="periods"/> is true. Ranks beyond the
    /// grid's size take part and get null. Collective: every rank passes the same arguments.
    /// </summary>
    /// <param name="dims">Ranks along each dimension, each at least 1; <see cref="CartesianTopology.ComputeDimensions(int, int)"/> picks balanced ones.</param>
    /// <param name="periods">For each dimension, whether it wraps around; as many entries as <paramref name="dims"/>.</param>
    /// <param name="reorder">Accepted for MPI's signature; ranks are never reordered (MPI allows that).</param>
    /// <exception cref="ArgumentException">A size below 1, <paramref name="periods"/> of another length, or a grid larger than the communicator.</exception>
    public Communicator? CreateCartesian(ReadOnlySpan<int> dims, ReadOnlySpan<bool> periods, bool reorder = false)
    {
        CheckUsable();
        _ = reorder;
        string shape = dims.Length == 0 ? "()" : string.Join("x", dims.ToArray());
        if (periods.Length != dims.Length)
            throw new ArgumentException($"CreateCartesian: periods has {periods.Length} entries but dims {shape} has {dims.Length}; give one per dimension", nameof(periods));
        long size = 1;
        for (int d = 0; d < dims.Length; d++)
        {
            if (dims[d] < 1)
                throw new ArgumentException($"CreateCartesian: dims[{d}] = {dims[d]} in {shape}; every dimension needs at least 1 rank (CartesianTopology.ComputeDimensions fills 0 entries)", nameof(dims));
            size *= dims[d];
            if (size > Size)
                break;
        }
        if (size > Size)
            throw new ArgumentException($"CreateCartesian: the {shape} grid needs {CartesianTopology.Product(dims)} ranks but communicator '{Name}' has {Size}", nameof(dims));
        int[] gridDims = dims.ToArray();
        bool[] gridPeriods = periods.ToArray();
        Communicator? grid = SplitNamed(Rank < size ? 0 : Undefined, Rank, $"cartesian {shape} of {Name}");
        if (grid is not null)
            grid.VirtualTopology = new CartesianTopology(gridDims, gridPeriods, grid.Rank);
        return grid;
    }

    /// <summary>
    /// Splits a grid into sub-grids (MPI_Cart_sub): the dimensions where
    /// <paramref name="remainDims"/> is true remain, and the ranks that share their coordinates
    /// along the others form one sub-grid, ranked in grid order. Keeping no dimension gives each
    /// rank a 0-dimensional grid of itself. Collective over this grid.
    /// </summary>
    /// <exception cref="InvalidOperationException">This communicator has no Cartesian topology.</exception>
    /// <exception cref="ArgumentException"><paramref name="remainDims"/> does not have one entry per dimension.</exception>
    public Communicator CartesianSubgrid(ReadOnlySpan<bool> remainDims)
    {
        CheckUsable();
        CartesianTopology grid = Cartesian;
        if (remainDims.Length != grid.DimensionCount)
            throw new ArgumentException($"CartesianSubgrid: remainDims has {remainDims.Length} entries but the {grid.Shape} grid has {grid.DimensionCount} dimensions", nameof(remainDims));
        // Color: where this rank sits along the dropped dimensions; key: along the kept ones.
        int color = 0, key = 0;
        var keptDims = new List<int>();
        var keptPeriods = new List<bool>();
        for (int d = 0; d < grid.DimensionCount; d++)
        {
            if (remainDims[d])
            {
                key = key * grid.Dimensions[d] + grid.Coordinates[d];
                keptDims.Add(grid.Dimensions[d]);
                keptPeriods.Add(grid.Periods[d]);
            }
            else
            {
                color = color * grid.Dimensions[d] + grid.Coordinates[d];
            }
        }
        string shape = keptDims.Count == 0 ? "0-dimensional" : string.Join("x", keptDims);
        Communicator sub = SplitNamed(color, key, $"cartesian {shape} sub-grid of {Name}")!;
        sub.VirtualTopology = new CartesianTopology([.. keptDims], [.. keptPeriods], sub.Rank);
        return sub;
    }

    /// <summary>
    /// A communicator whose first <c>index.Length</c> ranks form a graph (MPI_Graph_create):
    /// node i's neighbours are <c>edges[index[i−1] … index[i])</c>. Ranks beyond the graph take
    /// part and get null. Collective: every rank passes the same arguments.
    /// </summary>
    /// <param name="index">Cumulative neighbour counts, one per node.</param>
    /// <param name="edges">Every node's neighbours, one after the other.</param>
    /// <param name="reorder">Accepted for MPI's signature; ranks are never reordered.</param>
    /// <exception cref="ArgumentException">More nodes than ranks, a decreasing index, or an edge naming no node.</exception>
    public Communicator? CreateGraph(ReadOnlySpan<int> index, ReadOnlySpan<int> edges, bool reorder = false)
    {
        CheckUsable();
        _ = reorder;
        GraphTopology.Validate(index, edges, Size);
        int[] graphIndex = index.ToArray(), graphEdges = edges.ToArray();
        Communicator? graph = SplitNamed(Rank < graphIndex.Length ? 0 : Undefined, Rank, $"graph of {Name}");
        if (graph is not null)
            graph.VirtualTopology = new GraphTopology(graphIndex, graphEdges, graph.Rank);
        return graph;
    }

    /// <summary>
    /// A communicator with the same ranks carrying a graph of which each rank gives its own edges
    /// (MPI_Dist_graph_create_adjacent): the ranks it receives from and sends to. The edges must
    /// agree: a rank lists B as a destination exactly as often as B lists it as a source, which
    /// creation checks (one Alltoall of counts) so a neighbourhood collective cannot hang.
    /// Collective.
    /// </summary>
    /// <exception cref="ArgumentException">A rank outside the communicator, or edges that disagree (the same message on every rank).</exception>
    public Communicator CreateDistributedGraph(ReadOnlySpan<int> sources, ReadOnlySpan<int> destinations, bool reorder = false) =>
        CreateDistributedGraph(sources, default, destinations, default, reorder);

    /// <summary>
    /// <see cref="CreateDistributedGraph(ReadOnlySpan{int}, ReadOnlySpan{int}, bool)"/> with a
    /// weight per edge (kept for the program to read; Hpc does not place ranks by them). Pass
    /// empty weights for none (MPI_UNWEIGHTED).
    /// </summary>
    /// <exception cref="ArgumentException">Weights of the wrong length, a rank outside the communicator, or edges that disagree.</exception>
    public Communicator CreateDistributedGraph(ReadOnlySpan<int> sources, ReadOnlySpan<int> sourceWeights,
        ReadOnlySpan<int> destinations, ReadOnlySpan<int> destinationWeights, bool reorder = false)
    {
        CheckUsable();
        _ = reorder;
        bool weighted = !sourceWeights.IsEmpty || !destinationWeights.IsEmpty;
        string? problem = null;
        if (weighted && (sourceWeights.Length != sources.Length || destinationWeights.Length != destinations.Length))
            problem = $"rank {Rank} gave {sourceWeights.Length} source weights for {sources.Length} sources and {destinationWeights.Length} destination weights for {destinations.Length} destinations; give one per edge, or none";
        problem ??= FirstOutside(sources, "sources") ?? FirstOutside(destinations, "destinations");

        // Edge agreement: how often each rank names me as a destination must be how often I name it as a source.
        var outgoing = new int[Size];
        var expected = new int[Size];
        if (problem is null)
        {
            foreach (int d in destinations)
                outgoing[d]++;
            foreach (int s in sources)
                expected[s]++;
        }
        int[] incoming = Alltoall<int>(outgoing);
        for (int r = 0; r < Size && problem is null; r++)
        {
            if (incoming[r] != expected[r])
                problem = $"rank {r} lists rank {Rank} as a destination {incoming[r]} time(s), but rank {Rank} lists rank {r} as a source {expected[r]} time(s); each edge must appear on both ends";
        }
        ThrowOnEveryRankIf(problem, "CreateDistributedGraph");

        Communicator graph = SplitNamed(0, Rank, $"distributed graph of {Name}")!;
        graph.VirtualTopology = new DistributedGraphTopology(sources.ToArray(), weighted ? sourceWeights.ToArray() : null,
            destinations.ToArray(), weighted ? destinationWeights.ToArray() : null);
        return graph;
    }

    private string? FirstOutside(ReadOnlySpan<int> ranks, string what)
    {
        for (int i = 0; i < ranks.Length; i++)
        {
            if ((uint)ranks[i] >= (uint)Size)
                return $"rank {Rank}'s {what}[{i}] = {ranks[i]} is not a rank of communicator '{Name}' (0 … {Size - 1})";
        }
        return null;
    }

    /// <summary>
    /// Makes a problem found on some ranks fail every rank with the lowest such rank's message,
    /// so a collective creation never leaves the others waiting. Collective.
    /// </summary>
    private void ThrowOnEveryRankIf(string? problem, string operation)
    {
        int firstBad = Allreduce(problem is null ? int.MaxValue : Rank, ReduceOp.Min);
        if (firstBad == int.MaxValue)
            return;
        var text = new byte[1024];
        if (Rank == firstBad)
            Encoding.UTF8.GetBytes(problem!.Length > 300 ? problem[..300] : problem, text);
        Broadcast(text, firstBad);
        int end = Array.IndexOf(text, (byte)0);
        throw new ArgumentException($"{operation} on '{Name}': {Encoding.UTF8.GetString(text, 0, end < 0 ? text.Length : end)}");
    }

    private string DescribeTopology() => VirtualTopology switch
    {
        null => "none",
        var t => $"it has a {t.Kind} topology",
    };
}
