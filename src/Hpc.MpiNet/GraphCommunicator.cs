#nullable disable
namespace MPI
{
    /// <summary>
    /// A communicator whose processes form a graph that every process knows (MPI_Graph_create),
    /// on Hpc's <see cref="Hpc.GraphTopology"/>: <c>edges[i]</c> lists process i's neighbours.
    /// </summary>
    /// <remarks><c>reorder</c> is accepted and ignored: processes keep their ranks, which MPI allows.</remarks>
    public class GraphCommunicator : TopologicalCommunicator
    {
        internal GraphCommunicator(HpcComm graph) : base(graph) => Graph = (Hpc.GraphTopology)graph.VirtualTopology;

        /// <summary>
        /// Arranges the first <c>edges.Length</c> processes of <paramref name="oldComm"/> in the
        /// graph whose node i has the neighbours <paramref name="edges"/>[i] (MPI_Graph_create).
        /// Collective over <paramref name="oldComm"/>.
        /// </summary>
        /// <exception cref="ArgumentException">More nodes than processes, or an edge naming no node.</exception>
        /// <exception cref="InvalidOperationException">The calling process is beyond the graph.</exception>
        public GraphCommunicator(Intracommunicator oldComm, int[][] edges, bool reorder)
            : this(CreateGraph(oldComm, edges, reorder))
        {
        }

        private static HpcComm CreateGraph(Intracommunicator oldComm, int[][] edges, bool reorder)
        {
            ArgumentNullException.ThrowIfNull(oldComm);
            ArgumentNullException.ThrowIfNull(edges);
            (int[] index, int[] flat) = Flatten(edges);
            HpcComm graph = oldComm.Comm.CreateGraph(index, flat, reorder);
            return graph ?? throw Outside("graph", oldComm.Rank, edges.Length);
        }

        private static (int[] Index, int[] Edges) Flatten(int[][] edges)
        {
            var index = new int[edges.Length];
            var flat = new List<int>();
            for (int i = 0; i < edges.Length; i++)
            {
                ArgumentNullException.ThrowIfNull(edges[i], $"edges[{i}]");
                flat.AddRange(edges[i]);
                index[i] = flat.Count;
            }
            return (index, [.. flat]);
        }

        internal Hpc.GraphTopology Graph { get; }

        /// <summary>
        /// The rank the calling process would have in a graph made from <paramref name="oldcomm"/>
        /// (MPI_Graph_map): its own rank, since processes are never reordered, or
        /// <see cref="Group.NoProcess"/> (MPI_UNDEFINED) when it would be beyond the graph.
        /// </summary>
        public static int Map(Intracommunicator oldcomm, int[][] edges)
        {
            ArgumentNullException.ThrowIfNull(oldcomm);
            ArgumentNullException.ThrowIfNull(edges);
            return oldcomm.Rank < edges.Length ? oldcomm.Rank : Group.NoProcess;
        }

        /// <summary>Every process's neighbours, by rank (a copy).</summary>
        public int[][] Edges
        {
            get
            {
                var edges = new int[Size][];
                for (int rank = 0; rank < Size; rank++)
                    edges[rank] = NeighborsOf(rank);
                return edges;
            }
        }

        /// <summary>Number of edges: the total length of <see cref="Edges"/> (MPI_Graphdims_get).</summary>
        public override int NumEdges => Graph.EdgeCount;

        /// <summary>The calling process's neighbours, in the order given at creation.</summary>
        public override int[] Neighbors => NeighborsOf(Rank);

        /// <summary>The neighbours of <paramref name="rank"/>, in the order given at creation (MPI_Graph_neighbors).</summary>
        public override int[] NeighborsOf(int rank) => Graph.NeighborsOf(rank).ToArray();
    }
}
