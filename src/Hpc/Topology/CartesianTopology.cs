namespace Hpc;

/// <summary>
/// A grid of ranks (MPI_Cart_create): <see cref="Dimensions"/>[d] ranks along dimension d,
/// wrapping around where <see cref="Periods"/>[d] is true. Ranks are laid out in row-major
/// order, the last dimension varying fastest, as in MPI.
/// </summary>
/// <remarks>
/// For the neighbourhood collectives each dimension d contributes two neighbours, first the one
/// at coordinate −1 and then the one at +1 (MPI's order): sources and destinations are both
/// [Shift(0,1).Source, Shift(0,1).Destination, Shift(1,1).Source, …], and a neighbour past a
/// non-periodic edge is <see cref="Communicator.ProcNull"/> (its block is neither sent nor touched).
/// </remarks>
public sealed class CartesianTopology : ProcessTopology
{
    private readonly int[] _dims;
    private readonly bool[] _periods;
    private readonly int[] _coordinates;

    internal CartesianTopology(int[] dims, bool[] periods, int rank)
        : this(dims, periods, rank, Neighbors(dims, periods, rank))
    {
    }

    private CartesianTopology(int[] dims, bool[] periods, int rank, int[] neighbors)
        : base(neighbors, neighbors)
    {
        _dims = dims;
        _periods = periods;
        Rank = rank;
        _coordinates = CoordinatesOf(dims, rank);
    }

    /// <inheritdoc />
    public override TopologyKind Kind => TopologyKind.Cartesian;

    /// <summary>Number of dimensions (MPI_Cartdim_get).</summary>
    public int DimensionCount => _dims.Length;

    /// <summary>Ranks along each dimension (MPI_Cart_get's dims).</summary>
    public ReadOnlySpan<int> Dimensions => _dims;

    /// <summary>Whether each dimension wraps around (MPI_Cart_get's periods).</summary>
    public ReadOnlySpan<bool> Periods => _periods;

    /// <summary>This rank's coordinates (MPI_Cart_get's coords).</summary>
    public ReadOnlySpan<int> Coordinates => _coordinates;

    /// <summary>This rank in the grid's communicator.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks in the grid: the product of <see cref="Dimensions"/>.</summary>
    public int Size => Product(_dims);

    /// <summary>The coordinates of <paramref name="rank"/> (MPI_Cart_coords).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rank"/> is not a rank of the grid.</exception>
    public int[] CoordinatesOf(int rank)
    {
        if ((uint)rank >= (uint)Size)
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank {rank} is outside the {Shape} grid (ranks 0 … {Size - 1})");
        return CoordinatesOf(_dims, rank);
    }

    /// <summary>
    /// The rank at <paramref name="coordinates"/> (MPI_Cart_rank). Along a periodic dimension a
    /// coordinate outside 0 … dims[d] − 1 wraps around; along another it is an error.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong number of coordinates, or one outside a non-periodic dimension.</exception>
    public int RankOf(ReadOnlySpan<int> coordinates)
    {
        if (coordinates.Length != _dims.Length)
            throw new ArgumentException($"{coordinates.Length} coordinates given for the {_dims.Length}-dimensional {Shape} grid", nameof(coordinates));
        int rank = 0;
        for (int d = 0; d < _dims.Length; d++)
        {
            int c = coordinates[d];
            if ((uint)c >= (uint)_dims[d])
            {
                if (!_periods[d])
                    throw new ArgumentException($"coordinate {c} of dimension {d} is outside 0 … {_dims[d] - 1} of the {Shape} grid, and that dimension is not periodic", nameof(coordinates));
                c = ((c % _dims[d]) + _dims[d]) % _dims[d];
            }
            rank = rank * _dims[d] + c;
        }
        return rank;
    }

    /// <summary>
    /// The ranks <paramref name="displacement"/> steps away along <paramref name="direction"/>
    /// (MPI_Cart_shift): <c>Destination</c> is this rank's coordinate + displacement,
    /// <c>Source</c> is − displacement; past a non-periodic edge either is
    /// <see cref="Communicator.ProcNull"/>, so a SendReceive with them needs no edge cases.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="direction"/> is not a dimension.</exception>
    public (int Source, int Destination) Shift(int direction, int displacement)
    {
        if ((uint)direction >= (uint)_dims.Length)
            throw new ArgumentOutOfRangeException(nameof(direction), direction, $"direction {direction} is not a dimension of the {Shape} grid (0 … {_dims.Length - 1})");
        return Shift(_dims, _periods, _coordinates, direction, displacement);
    }

    /// <summary>The grid's shape as text, "4x3", for messages.</summary>
    public string Shape => _dims.Length == 0 ? "0-dimensional" : string.Join("x", _dims);

    /// <summary>
    /// The sizes of a balanced grid of <paramref name="nodes"/> ranks in
    /// <paramref name="dimensionCount"/> dimensions, largest first (MPI_Dims_create with all
    /// entries 0): 6 in 2 → {3, 2}, 7 in 2 → {7, 1}, 12 in 3 → {3, 2, 2}.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodes"/> is below 1 or <paramref name="dimensionCount"/> below 0.</exception>
    public static int[] ComputeDimensions(int nodes, int dimensionCount)
    {
        if (dimensionCount < 0)
            throw new ArgumentOutOfRangeException(nameof(dimensionCount), dimensionCount, $"ComputeDimensions: the number of dimensions must be >= 0 (got {dimensionCount})");
        return DimensionsFactorization.Compute(nodes, new int[dimensionCount]);
    }

    /// <summary>
    /// Fills the 0 entries of <paramref name="dims"/> so that the grid holds exactly
    /// <paramref name="nodes"/> ranks, as balanced as possible and in non-increasing order, keeping
    /// the fixed entries (MPI_Dims_create): (0,3,0) with 6 → {2, 3, 1}; with 12 → {2, 3, 2}.
    /// </summary>
    /// <exception cref="ArgumentException">An entry is negative, or the fixed entries cannot make <paramref name="nodes"/> (7 ranks with (0,3,0)).</exception>
    public static int[] ComputeDimensions(int nodes, ReadOnlySpan<int> dims) => DimensionsFactorization.Compute(nodes, dims);

    /// <inheritdoc />
    public override string ToString() => $"Cartesian {Shape} (periodic {string.Join(",", _periods.Select(p => p ? "yes" : "no"))}), rank {Rank} at ({string.Join(",", _coordinates)})";

    // Receives are posted per dimension plus-side first: the plus neighbour's message is the one it
    // sent towards minus, which it starts before its towards-plus one (see ReceivePostingOrder).
    internal override int ReceivePostingOrder(int index) => index ^ 1;

    internal static int Product(ReadOnlySpan<int> dims)
    {
        long product = 1;
        foreach (int d in dims)
            product *= d;
        return (int)product;
    }

    private static int[] CoordinatesOf(int[] dims, int rank)
    {
        var coordinates = new int[dims.Length];
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            coordinates[d] = rank % dims[d];
            rank /= dims[d];
        }
        return coordinates;
    }

    private static (int Source, int Destination) Shift(int[] dims, bool[] periods, int[] coordinates, int direction, int displacement)
    {
        return (Step(-(long)displacement), Step(displacement));

        int Step(long by)
        {
            long c = coordinates[direction] + by;
            int size = dims[direction];
            if (c < 0 || c >= size)
            {
                if (!periods[direction])
                    return Communicator.ProcNull;
                c = ((c % size) + size) % size;
            }
            int rank = 0;
            for (int d = 0; d < dims.Length; d++)
                rank = rank * dims[d] + (d == direction ? (int)c : coordinates[d]);
            return rank;
        }
    }

    private static int[] Neighbors(int[] dims, bool[] periods, int rank)
    {
        int[] coordinates = CoordinatesOf(dims, rank);
        var neighbors = new int[2 * dims.Length];
        for (int d = 0; d < dims.Length; d++)
            (neighbors[2 * d], neighbors[2 * d + 1]) = Shift(dims, periods, coordinates, d, 1);
        return neighbors;
    }
}
