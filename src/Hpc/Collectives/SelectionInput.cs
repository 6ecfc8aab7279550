namespace Hpc.Collectives;

/// <summary>
/// Everything an algorithm choice depends on, and nothing else: the same on every rank of a
/// call, so every rank chooses alike.
/// </summary>
/// <param name="Collective">The collective being called.</param>
/// <param name="Bytes">
/// The size the thresholds are measured in: the whole vector for allreduce, bcast and reduce;
/// one rank's block for gather, scatter and alltoall; all blocks together for allgather and
/// reduce_scatter; 0 for barrier (the conventions of Open MPI's coll/tuned).
/// </param>
/// <param name="Commutative">Whether the reduction operation is commutative (true for collectives that do not reduce).</param>
/// <param name="Topology">The communicator's ranks, hosts and shared area, worked out when it was created.</param>
internal readonly record struct SelectionInput(Collective Collective, long Bytes, bool Commutative, CollectiveTopology Topology);
