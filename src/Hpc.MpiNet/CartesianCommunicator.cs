#nullable disable
namespace MPI
{
    /// <summary>
    /// A communicator whose processes form a grid (MPI_Cart_create), on Hpc's
    /// <see cref="Hpc.CartesianTopology"/>: coordinates, ranks, <see cref="Shift"/>,
    /// <see cref="Subgrid"/>. Ranks are laid out in row-major order, the last dimension fastest.
    /// </summary>
    /// <remarks>
    /// <c>reorder</c> is accepted and ignored: processes keep their ranks, which MPI allows.
    /// <see cref="Shift"/> returns <see cref="Hpc.Communicator.ProcNull"/> (MPI_PROC_NULL) past a
    /// non-periodic edge; sends to it and receives from it do nothing, as in MPI.
    /// </remarks>
    public class CartesianCommunicator : TopologicalCommunicator
    {
        /// <summary>MPI_PROC_NULL, what <see cref="Shift"/> returns past a non-periodic edge.</summary>
        public const int ProcNull = HpcComm.ProcNull;

        internal CartesianCommunicator(HpcComm grid) : base(grid) => Grid = grid.Cartesian;

        /// <summary>
        /// Arranges the processes of <paramref name="oldComm"/> in a grid of <paramref name="dims"/>
        /// (MPI_Cart_create), periodic along the dimensions where <paramref name="periods"/> is
        /// true. Collective over <paramref name="oldComm"/>.
        /// </summary>
        /// <param name="oldComm">The processes to arrange.</param>
        /// <param name="ndims">Number of dimensions; <paramref name="dims"/> and <paramref name="periods"/> have at least that many entries.</param>
        /// <param name="dims">Processes along each dimension (<see cref="ComputeDimensions"/> picks balanced ones).</param>
        /// <param name="periods">Whether each dimension wraps around.</param>
        /// <param name="reorder">Accepted; processes are never reordered.</param>
        /// <exception cref="ArgumentException">A size below 1, too few entries, or a grid larger than <paramref name="oldComm"/>.</exception>
        /// <exception cref="InvalidOperationException">The calling process is beyond the grid (the grid is smaller than <paramref name="oldComm"/>).</exception>
        public CartesianCommunicator(Intracommunicator oldComm, int ndims, int[] dims, bool[] periods, bool reorder)
            : this(CreateGrid(oldComm, ndims, dims, periods, reorder))
        {
        }

        private static HpcComm CreateGrid(Intracommunicator oldComm, int ndims, int[] dims, bool[] periods, bool reorder)
        {
            ArgumentNullException.ThrowIfNull(oldComm);
            ArgumentNullException.ThrowIfNull(dims);
            ArgumentNullException.ThrowIfNull(periods);
            if (ndims < 0 || dims.Length < ndims || periods.Length < ndims)
                throw new ArgumentException($"CartesianCommunicator: ndims is {ndims} but dims has {dims.Length} and periods {periods.Length} entries; both need at least ndims");
            HpcComm grid = oldComm.Comm.CreateCartesian(dims.AsSpan(0, ndims), periods.AsSpan(0, ndims), reorder);
            return grid ?? throw Outside($"{string.Join("x", dims[..ndims])} grid", oldComm.Rank, Product(dims, ndims));
        }

        private static int Product(int[] dims, int ndims)
        {
            int product = 1;
            for (int i = 0; i < ndims; i++)
                product *= dims[i];
            return product;
        }

        internal Hpc.CartesianTopology Grid { get; }

        /// <summary>
        /// Fills the 0 entries of <paramref name="dims"/> with a balanced grid of
        /// <paramref name="nnodes"/> processes, largest first, keeping the other entries
        /// (MPI_Dims_create): 6 over {0, 0} → {3, 2}; 7 → {7, 1}; 6 over {0, 3, 0} → {2, 3, 1}.
        /// </summary>
        /// <exception cref="ArgumentException">A negative entry, or fixed entries that cannot make <paramref name="nnodes"/>.</exception>
        public static void ComputeDimensions(int nnodes, int ndims, ref int[] dims)
        {
            ArgumentNullException.ThrowIfNull(dims);
            if (ndims < 0 || dims.Length < ndims)
                throw new ArgumentException($"ComputeDimensions: ndims is {ndims} but dims has {dims.Length} entries", nameof(dims));
            int[] computed = Hpc.CartesianTopology.ComputeDimensions(nnodes, dims.AsSpan(0, ndims));
            computed.CopyTo(dims, 0);
        }

        /// <summary>
        /// The rank the calling process would have in a grid made from <paramref name="oldcomm"/>
        /// (MPI_Cart_map): its own rank, since processes are never reordered, or
        /// <see cref="Group.NoProcess"/> (MPI_UNDEFINED) when it would be beyond the grid.
        /// </summary>
        public static int Map(Intracommunicator oldcomm, int ndims, int[] dims, bool[] periods)
        {
            ArgumentNullException.ThrowIfNull(oldcomm);
            ArgumentNullException.ThrowIfNull(dims);
            _ = periods;
            long size = 1;
            for (int i = 0; i < ndims; i++)
                size *= dims[i];
            return oldcomm.Rank < size ? oldcomm.Rank : Group.NoProcess;
        }

        /// <summary>
        /// Splits the grid into sub-grids (MPI_Cart_sub): the dimensions where
        /// <paramref name="remain_dims"/> is non-zero remain; the processes that share their
        /// coordinates along the others form one sub-grid. Collective.
        /// </summary>
        public CartesianCommunicator Subgrid(int[] remain_dims)
        {
            ArgumentNullException.ThrowIfNull(remain_dims);
            var remain = new bool[remain_dims.Length];
            for (int i = 0; i < remain.Length; i++)
                remain[i] = remain_dims[i] != 0;
            return new CartesianCommunicator(Comm.CartesianSubgrid(remain));
        }

        /// <summary>Processes along each dimension (a copy).</summary>
        public int[] Dimensions => Grid.Dimensions.ToArray();

        /// <summary>Whether each dimension wraps around (a copy).</summary>
        public bool[] Periodic => Grid.Periods.ToArray();

        /// <summary>The calling process's coordinates (a copy).</summary>
        public int[] Coordinates => Grid.Coordinates.ToArray();

        /// <summary>The rank at <paramref name="coords"/> (MPI_Cart_rank); periodic coordinates wrap.</summary>
        /// <exception cref="ArgumentException">Wrong number of coordinates, or one outside a non-periodic dimension.</exception>
        public int GetCartesianRank(int[] coords)
        {
            ArgumentNullException.ThrowIfNull(coords);
            return Grid.RankOf(coords);
        }

        /// <summary>The coordinates of <paramref name="rank"/> (MPI_Cart_coords).</summary>
        public int[] GetCartesianCoordinates(int rank) => Grid.CoordinatesOf(rank);

        /// <summary>
        /// The ranks <paramref name="disp"/> steps away along <paramref name="direction"/>
        /// (MPI_Cart_shift): receive from <paramref name="rank_source"/>, send to
        /// <paramref name="rank_dest"/>; <see cref="ProcNull"/> past a non-periodic edge.
        /// </summary>
        public void Shift(int direction, int disp, out int rank_source, out int rank_dest) =>
            (rank_source, rank_dest) = Grid.Shift(direction, disp);

        /// <summary>
        /// Number of edges of the grid, as MPI.NET counts them: along each dimension, dims − 1 per
        /// line of processes, plus one where the dimension is periodic.
        /// </summary>
        public override int NumEdges
        {
            get
            {
                ReadOnlySpan<int> dims = Grid.Dimensions;
                long total = 0;
                for (int d = 0; d < dims.Length; d++)
                {
                    long lines = 1;
                    for (int e = 0; e < dims.Length; e++)
                        lines *= e == d ? 1 : dims[e];
                    total += (dims[d] - 1 + (Grid.Periods[d] ? 1 : 0)) * lines;
                }
                return checked((int)total);
            }
        }

        /// <summary>The calling process's neighbours; see <see cref="NeighborsOf"/>.</summary>
        public override int[] Neighbors => NeighborsOf(Rank);

        /// <summary>
        /// The neighbours of <paramref name="rank"/> as MPI.NET lists them: per dimension the one at
        /// −1 then the one at +1, leaving out edges (no <see cref="ProcNull"/>) and, along a
        /// periodic dimension of 1 or 2 processes, the wrapped-around repeat.
        /// </summary>
        public override int[] NeighborsOf(int rank)
        {
            int[] coords = Grid.CoordinatesOf(rank);
            var neighbors = new List<int>();
            ReadOnlySpan<int> dims = Grid.Dimensions;
            for (int d = 0; d < dims.Length; d++)
            {
                bool wraps = Grid.Periods[d] && dims[d] > 2;
                int[] at = (int[])coords.Clone();
                if (coords[d] > 0 || wraps)
                {
                    at[d] = coords[d] > 0 ? coords[d] - 1 : dims[d] - 1;
                    neighbors.Add(Grid.RankOf(at));
                }
                if (coords[d] < dims[d] - 1 || wraps)
                {
                    at[d] = coords[d] < dims[d] - 1 ? coords[d] + 1 : 0;
                    neighbors.Add(Grid.RankOf(at));
                }
            }
            return [.. neighbors];
        }
    }
}
