namespace Hpc.Collectives;

/// <summary>
/// Marks an algorithm (a member of a collective's algorithm enum) that runs on the shared
/// collective area: the selector never runs it where no area exists or for a non-blocking call,
/// even when it is forced per call, by <c>HPC_COLL</c> or by a tuning file, and takes the
/// table's choice instead.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class NeedsSharedAreaAttribute : Attribute;
