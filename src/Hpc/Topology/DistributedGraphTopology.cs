namespace Hpc;

/// <summary>
/// A graph each rank knows only its own edges of (MPI_Dist_graph_create_adjacent): the ranks it
/// receives from (<see cref="ProcessTopology.Sources"/>) and sends to
/// (<see cref="ProcessTopology.Destinations"/>), with optional weights. Creation checks that the
/// edges agree (a rank lists B as a destination as often as B lists it as a source), so a
/// neighbourhood collective can never wait for a message nobody sends.
/// </summary>
public sealed class DistributedGraphTopology : ProcessTopology
{
    private readonly int[]? _sourceWeights;
    private readonly int[]? _destinationWeights;

    internal DistributedGraphTopology(int[] sources, int[]? sourceWeights, int[] destinations, int[]? destinationWeights)
        : base(sources, destinations)
    {
        _sourceWeights = sourceWeights;
        _destinationWeights = destinationWeights;
    }

    /// <inheritdoc />
    public override TopologyKind Kind => TopologyKind.DistributedGraph;

    /// <summary>True when the edges were given weights (MPI_Dist_graph_neighbors_count's weighted).</summary>
    public bool IsWeighted => _sourceWeights is not null;

    /// <summary>The weight of each source edge; empty when unweighted (MPI_UNWEIGHTED).</summary>
    public ReadOnlySpan<int> SourceWeights => _sourceWeights;

    /// <summary>The weight of each destination edge; empty when unweighted.</summary>
    public ReadOnlySpan<int> DestinationWeights => _destinationWeights;
}
