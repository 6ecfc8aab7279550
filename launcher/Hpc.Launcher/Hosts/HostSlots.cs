namespace Hpc.Launcher;

/// <summary>
/// A host ranks may be placed on, as a hostfile line, a <c>-H</c> entry or a Slurm node names it.
/// </summary>
/// <param name="Name">The host as written; passed unchanged to the launch agent and used as the ranks' host identity.</param>
/// <param name="Slots">Ranks the host takes before it counts as oversubscribed (at least 1).</param>
/// <param name="MaxSlots">Ranks the host takes at most, even with <c>--oversubscribe</c>; null for no bound.</param>
internal sealed record HostSlots(string Name, int Slots, int? MaxSlots = null);
