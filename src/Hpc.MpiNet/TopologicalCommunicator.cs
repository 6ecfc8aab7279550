#nullable disable
namespace MPI
{
    /// <summary>
    /// A communicator whose processes are arranged in a virtual topology: a grid
    /// (<see cref="CartesianCommunicator"/>) or a graph (<see cref="GraphCommunicator"/>).
    /// </summary>
    public abstract class TopologicalCommunicator : Intracommunicator
    {
        internal TopologicalCommunicator(HpcComm comm) : base(comm, comm.Duplicate(copyAttributes: false), predefined: false) { }

        /// <summary>The neighbours of the calling process.</summary>
        public abstract int[] Neighbors { get; }

        /// <summary>The neighbours of the process with rank <paramref name="rank"/>.</summary>
        public abstract int[] NeighborsOf(int rank);

        /// <summary>Number of edges of the whole topology.</summary>
        public abstract int NumEdges { get; }

        /// <summary>
        /// Wraps a new Hpc communicator as the MPI.NET type its topology calls for, as MPI.NET's
        /// Adopt does: a grid as a <see cref="CartesianCommunicator"/>, a graph as a
        /// <see cref="GraphCommunicator"/>, anything else as an <see cref="Intracommunicator"/>.
        /// </summary>
        internal static Intracommunicator WrapByTopology(HpcComm comm) => comm.VirtualTopology switch
        {
            Hpc.CartesianTopology => new CartesianCommunicator(comm),
            Hpc.GraphTopology => new GraphCommunicator(comm),
            _ => Wrap(comm, predefined: false),
        };

        /// <summary>The exception a process outside a new grid or graph gets from the constructor (MPI.NET fails there too, on MPI_COMM_NULL).</summary>
        internal static InvalidOperationException Outside(string what, int rank, int members) =>
            new($"rank {rank} is not part of the {what}, which has only {members} processes (MPI_Cart_create/MPI_Graph_create give it MPI_COMM_NULL); create the topology on a communicator of exactly that size, or have only those processes use it");
    }
}
