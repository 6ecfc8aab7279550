using Hpc;
using HpcComm = Hpc.Communicator;

namespace MPI.Internal;

/// <summary>
/// Test support (used by tests/Hpc.MpiNetTests): the world communicators of a world whose ranks
/// are threads of this process, built on Hpc's in-process transport. Each thread wraps its
/// communicator with <see cref="Intracommunicator.Adopt"/>; <see cref="Communicator.world"/> is
/// not involved.
/// </summary>
internal static class InProcessWorld
{
    public static HpcComm[] Create(int size)
    {
        RankRuntime[] runtimes = RankRuntime.CreateInProcessWorld(size);
        var worlds = new HpcComm[size];
        for (int rank = 0; rank < size; rank++)
            worlds[rank] = new HpcComm(runtimes[rank], RankRuntime.WorldContext, [.. Enumerable.Range(0, size)], rank, "world");
        return worlds;
    }

    /// <summary>Fails every pending operation of every rank, so a test fails instead of hanging.</summary>
    public static void FailAll(IEnumerable<HpcComm> worlds, Exception error)
    {
        foreach (HpcComm world in worlds)
            world.Runtime.Engine.FailAll(error);
    }
}
