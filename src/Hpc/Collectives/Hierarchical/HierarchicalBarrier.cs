namespace Hpc.Collectives.Hierarchical;

/// <summary>
/// Node-aware barrier (Open MPI coll/han's barrier): a barrier within each host (its leader then
/// knows the whole host has arrived), a barrier among the leaders (every host has), and a
/// barrier within each host again, which releases the host's ranks only once their leader is
/// through. Across the network go only the leaders' ⌈log2 H⌉ rounds for H hosts; the host
/// barriers run on the shared area where the host part has one.
/// </summary>
internal static class HierarchicalBarrier
{
    public static void Run(NodeHierarchy hierarchy)
    {
        hierarchy.Host.Barrier();
        hierarchy.Leaders?.Barrier();
        hierarchy.Host.Barrier();
    }
}
