using System.Runtime.ExceptionServices;
using MPI.Internal;

namespace MpiNetTests;

/// <summary>Runs a body on every rank of an in-process world (ranks as threads), each with its own Intracommunicator.</summary>
internal static class Ranks
{
    public static void Run(int size, Action<Intracommunicator> body, int timeoutSeconds = 30)
    {
        global::Hpc.Communicator[] worlds = InProcessWorld.Create(size);
        var failures = new Exception?[size];
        var threads = new Thread[size];
        for (int r = 0; r < size; r++)
        {
            int rank = r;
            threads[rank] = new Thread(() =>
            {
                try
                {
                    body(Intracommunicator.Adopt(worlds[rank]));
                }
                catch (Exception e)
                {
                    failures[rank] = e;
                    InProcessWorld.FailAll(worlds, new InvalidOperationException($"rank {rank} failed: {e.Message}"));
                }
            }) { IsBackground = true, Name = $"rank {rank}" };
            threads[rank].Start();
        }
        DateTime deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        foreach (Thread thread in threads)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (!thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                InProcessWorld.FailAll(worlds, new TimeoutException("test timed out"));
                throw new TimeoutException($"{thread.Name} did not finish within {timeoutSeconds} s (np={size})");
            }
        }
        Exception? first = failures.FirstOrDefault(f => f is not null && !f.Message.Contains(" failed: ", StringComparison.Ordinal))
            ?? failures.FirstOrDefault(f => f is not null);
        if (first is not null)
            ExceptionDispatchInfo.Capture(first).Throw();
    }
}
