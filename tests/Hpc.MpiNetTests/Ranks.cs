using Hpc.Testing;

namespace MpiNetTests;

/// <summary>Runs a body on every rank of an in-process world (ranks as threads, the shared harness), each with its own Intracommunicator.</summary>
internal static class Ranks
{
    public static void Run(int size, Action<Intracommunicator> body, int timeoutSeconds = 30) =>
        InProcessWorld.Run(size, world => body(Intracommunicator.Adopt(world)), timeout: TimeSpan.FromSeconds(timeoutSeconds));
}
