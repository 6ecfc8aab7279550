namespace Hpc;

/// <summary>
/// The collective operations whose algorithm can be chosen (per call, per job with
/// <c>HPC_COLL</c>, or by a tuning file). Their names in <c>HPC_COLL</c> and tuning files are
/// allreduce, bcast, reduce, gather, scatter, allgather, alltoall, reduce_scatter and barrier.
/// </summary>
/// <remarks>
/// <para>
/// A call resolves its algorithm in this order: the algorithm argument of the call (when not
/// Auto); <c>HPC_COLL</c>; the tuning file named by <c>HPC_TUNE_FILE</c>; the built-in table
/// (thresholds from Open MPI's coll/tuned and MPICH, listed in the source of SelectionTable).
/// <see cref="Communicator.AlgorithmFor"/> and <see cref="Communicator.SelectAllreduceAlgorithm{T}"/>
/// report the choice. All ranks must resolve the same algorithm, so give every rank the same
/// arguments and environment (mpirun does).
/// </para>
/// <para>
/// <c>HPC_COLL</c> (set by <c>mpirun --coll</c>): comma-separated <c>collective=algorithm</c>
/// pairs, e.g. <c>allreduce=ring,bcast=binomial</c>; "auto" leaves a collective to the other rules.
/// </para>
/// <para>
/// Tuning file (<c>mpirun --tune FILE</c>, written by <c>hpc-bench tune</c>): one rule per line,
/// <c>collective ranks min_bytes algorithm</c>, fields separated by blanks, <c>#</c> starting a
/// comment. A rule applies to calls on at least <c>ranks</c> ranks moving at least
/// <c>min_bytes</c> bytes; among the rules that apply, the largest <c>ranks</c> and then the
/// largest <c>min_bytes</c> wins. "Bytes" is the whole vector for allreduce, bcast and reduce,
/// one rank's block for gather, scatter and alltoall, and all blocks together for allgather and
/// reduce_scatter.
/// <code>
/// # collective  ranks  min_bytes  algorithm
/// allreduce     8      0          recursive_doubling
/// allreduce     8      4096       rabenseifner
/// allreduce     8      1048576    ring
/// </code>
/// Unknown names in either place are errors that list the valid names, reported at the first
/// collective (that is, in <c>Mpi.Init</c>).
/// </para>
/// </remarks>
public enum Collective
{
    /// <summary>Allreduce (MPI_Allreduce); "allreduce".</summary>
    Allreduce,
    /// <summary>Broadcast (MPI_Bcast); "bcast" (or "broadcast").</summary>
    Broadcast,
    /// <summary>Reduce to a root (MPI_Reduce); "reduce".</summary>
    Reduce,
    /// <summary>Gather with one count per rank (MPI_Gather); "gather".</summary>
    Gather,
    /// <summary>Scatter with one count per rank (MPI_Scatter); "scatter".</summary>
    Scatter,
    /// <summary>Allgather and Allgatherv; "allgather".</summary>
    Allgather,
    /// <summary>Alltoall with one count per pair (MPI_Alltoall); "alltoall".</summary>
    Alltoall,
    /// <summary>ReduceScatter and ReduceScatterBlock; "reduce_scatter".</summary>
    ReduceScatter,
    /// <summary>Barrier; "barrier".</summary>
    Barrier,
}

/// <summary>Allreduce algorithms. Every one keeps rank order for non-commutative operations and gives bit-identical results on all ranks.</summary>
public enum AllreduceAlgorithm
{
    /// <summary>Let the selector decide (per-job override, tuning file, then the built-in table).</summary>
    Auto,
    /// <summary>
    /// Ring reduce-scatter then ring allgather, pipelined in segments: bandwidth-optimal for large
    /// vectors. With a non-commutative operation the reduction runs as an ordered pipeline along
    /// the ring to the last rank, followed by a scatter-allgather broadcast.
    /// </summary>
    Ring,
    /// <summary>Binomial-tree reduce to rank 0, then binomial broadcast.</summary>
    Tree,
    /// <summary>Recursive doubling (butterfly): log2 n exchanges of the whole vector; best for small vectors.</summary>
    RecursiveDoubling,
    /// <summary>Rabenseifner: reduce-scatter by recursive halving, allgather by recursive doubling; for medium and large vectors.</summary>
    Rabenseifner,
    /// <summary>Through shared buffers when every rank of the world shares one host: each rank reduces its slice straight from its peers' buffers, in rank order. Auto picks it for blocking calls on such a world; elsewhere it falls back to the table.</summary>
    [Hpc.Collectives.NeedsSharedArea]
    SharedMemory,
    /// <summary>
    /// Node-aware, for communicators over several hosts (Open MPI coll/han, MPICH's node-aware
    /// allreduce): reduce within each host to its leader (shared memory where the host has a
    /// shared area), allreduce among one leader per host with the algorithm the table picks for
    /// them, broadcast within each host; large vectors in segments whose host and network phases
    /// overlap. Auto picks it for blocking calls where some host holds several ranks.
    /// </summary>
    [Hpc.Collectives.NodeAware]
    Hierarchical,
    /// <summary>
    /// Direct exchange: every rank sends its vector to every other rank in one round and each
    /// combines all of them in rank order; for small vectors among a few ranks (three hosts'
    /// leaders), where each round of recursive doubling costs a network hop.
    /// </summary>
    Direct,
}

/// <summary>Broadcast algorithms.</summary>
public enum BroadcastAlgorithm
{
    /// <summary>Let the selector decide.</summary>
    Auto,
    /// <summary>Binomial tree from the root: log2 n rounds of whole-message sends.</summary>
    Binomial,
    /// <summary>Binomial scatter of n pieces, then ring allgather (van de Geijn); for large messages.</summary>
    ScatterAllgather,
    /// <summary>Through the root's shared buffer when every rank of the world shares one host (blocking calls; elsewhere the table's choice).</summary>
    [Hpc.Collectives.NeedsSharedArea]
    SharedMemory,
    /// <summary>Node-aware (any root): within the root's host, among one leader per host, then within every other host; large messages in overlapping segments.</summary>
    [Hpc.Collectives.NodeAware]
    Hierarchical,
    /// <summary>Pipelined chain from the root, in segments, visiting the hosts one after another (rank order on one host): every rank sends the message once at most; for large messages among few ranks, and across hosts.</summary>
    Chain,
}

/// <summary>Reduce algorithms.</summary>
public enum ReduceAlgorithm
{
    /// <summary>Let the selector decide.</summary>
    Auto,
    /// <summary>Binomial tree toward the root; non-commutative operations reduce in rank order at rank 0, which forwards to the root.</summary>
    Binomial,
    /// <summary>Node-aware (any root): reduce within each host to its leader, among the leaders to the root's host, then to the root; large vectors in overlapping segments.</summary>
    [Hpc.Collectives.NodeAware]
    Hierarchical,
}

/// <summary>Gather algorithms (Gatherv is always linear: only the root knows the counts).</summary>
public enum GatherAlgorithm
{
    /// <summary>Let the selector decide.</summary>
    Auto,
    /// <summary>Binomial tree: inner ranks forward their subtree's blocks; log2 n steps, good for small blocks.</summary>
    Binomial,
    /// <summary>Every rank sends straight to the root; good for large blocks.</summary>
    Linear,
}

/// <summary>Scatter algorithms (Scatterv is always linear: only the root knows the counts).</summary>
public enum ScatterAlgorithm
{
    /// <summary>Let the selector decide.</summary>
    Auto,
    /// <summary>Binomial tree: the root sends each subtree its blocks in one message; log2 n steps.</summary>
    Binomial,
    /// <summary>The root sends every rank its block directly.</summary>
    Linear,
}

/// <summary>Allgather and Allgatherv algorithms.</summary>
public enum AllgatherAlgorithm
{
    /// <summary>Let the selector decide.</summary>
    Auto,
    /// <summary>Ring: n − 1 steps to the right neighbour, pipelined in segments; for large messages.</summary>
    Ring,
    /// <summary>Bruck: ⌈log2 n⌉ steps for any n; for small messages.</summary>
    Bruck,
    /// <summary>Node-aware: gather within each host to its leader, allgather of whole hosts among the leaders, broadcast within each host.</summary>
    [Hpc.Collectives.NodeAware]
    Hierarchical,
}

/// <summary>Alltoall algorithms (Alltoallv is always pairwise).</summary>
public enum AlltoallAlgorithm
{
    /// <summary>Let the selector decide.</summary>
    Auto,
    /// <summary>Pairwise exchange: n − 1 steps, each rank sending to rank + k and receiving from rank − k.</summary>
    Pairwise,
    /// <summary>Bruck: ⌈log2 n⌉ steps moving packed blocks; for small blocks on many ranks.</summary>
    Bruck,
}

/// <summary>ReduceScatter and ReduceScatterBlock algorithms.</summary>
public enum ReduceScatterAlgorithm
{
    /// <summary>Let the selector decide.</summary>
    Auto,
    /// <summary>
    /// Ring reduce-scatter, pipelined in segments. With a non-commutative operation the reduction
    /// runs as an ordered pipeline along the ring to the last rank, which then sends each block out.
    /// </summary>
    Ring,
    /// <summary>Binomial reduce to rank 0, then a linear scatter of the blocks.</summary>
    ReduceThenScatter,
}

/// <summary>Barrier algorithms.</summary>
public enum BarrierAlgorithm
{
    /// <summary>Let the selector decide.</summary>
    Auto,
    /// <summary>Dissemination barrier: ⌈log2 n⌉ rounds for any n.</summary>
    Dissemination,
    /// <summary>On shared flags when every rank of the world shares one host (blocking calls; elsewhere dissemination).</summary>
    [Hpc.Collectives.NeedsSharedArea]
    SharedMemory,
    /// <summary>Node-aware: a barrier within each host, one among the hosts' leaders, and one more within each host to release it.</summary>
    [Hpc.Collectives.NodeAware]
    Hierarchical,
    /// <summary>
    /// Direct: every rank sends an empty message to every other and waits for all of them; one
    /// round for a few ranks (three hosts' leaders), where dissemination takes two.
    /// </summary>
    Direct,
}
