namespace Hpc.Collectives.SharedMemory;

/// <summary>Barrier on shared flags: publish a step, wait until every rank has published it.</summary>
internal static class SharedMemoryBarrier
{
    public static void Run(SharedCollectiveArea area)
    {
        long step = area.BeginStep();
        area.Publish(step);
        area.WaitForAll(step);
    }
}
