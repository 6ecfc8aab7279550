namespace Hpc.Collectives;

/// <summary>
/// Marks an algorithm (a member of a collective's algorithm enum) that runs on the shared
/// collective area: the selector never runs it where no area exists or for a non-blocking call,
/// even when it is forced per call, by <c>HPC_COLL</c> or by a tuning file, and takes the
/// table's choice instead.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class NeedsSharedAreaAttribute : Attribute;

/// <summary>
/// Marks a node-aware algorithm (<see cref="Hierarchical.NodeHierarchy"/>): the selector runs it
/// only where <see cref="CollectiveTopology.CanRunHierarchical"/> holds — a blocking call on a
/// communicator over several hosts, not one of the parts such an algorithm runs on, and for a
/// non-commutative reduction hosts with unbroken rank ranges — and takes the table's choice
/// elsewhere, even when it is forced.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class NodeAwareAttribute : Attribute;
