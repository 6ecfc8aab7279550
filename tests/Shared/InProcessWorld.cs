using System.Runtime.ExceptionServices;
using Hpc.Transport.InProcess;

namespace Hpc.Testing;

/// <summary>
/// The ranks-as-threads harness of every test project (compiled into each from tests/Shared):
/// runs a body on every rank of an in-memory world, one thread per rank, and fails with the
/// first rank's own exception. A hang fails the test after <c>timeout</c> instead of blocking the run.
/// </summary>
internal static class InProcessWorld
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Starts the message of the error a failing rank raises on the others, so the report can skip these echoes.</summary>
    private const string EchoPrefix = "in-process world: rank ";

    public static void Run(int size, Action<Communicator> body, long eagerLimit = RankRuntime.DefaultEagerLimit, TimeSpan? timeout = null,
        bool checkCollectives = false, InProcessCopies copies = InProcessCopies.None, string[]? hosts = null)
    {
        RankRuntime[] runtimes = RankRuntime.CreateInProcessWorld(size, eagerLimit, checkCollectives, copies, hosts);
        RunOn(runtimes, body, timeout);
    }

    /// <summary>
    /// Runs <paramref name="body"/> on every rank of a world whose ranks are threads linked by real
    /// loopback TCP sockets (<see cref="RankRuntime.CreateTcpWorld"/>); the sockets are closed after.
    /// </summary>
    public static void RunOverTcp(int size, Action<Communicator> body, long eagerLimit = RankRuntime.DefaultEagerLimit, TimeSpan? timeout = null)
    {
        RankRuntime[] runtimes = RankRuntime.CreateTcpWorld(size, eagerLimit);
        try
        {
            RunOn(runtimes, body, timeout);
        }
        finally
        {
            foreach (RankRuntime runtime in runtimes)
                runtime.Dispose();
        }
    }

    private static void RunOn(RankRuntime[] runtimes, Action<Communicator> body, TimeSpan? timeout)
    {
        int size = runtimes.Length;
        var failures = new Exception?[size];
        var threads = new Thread[size];
        for (int r = 0; r < size; r++)
        {
            int rank = r;
            var world = new Communicator(runtimes[rank], RankRuntime.WorldContext, [.. Enumerable.Range(0, size)], rank, "world");
            threads[rank] = new Thread(() =>
            {
                try
                {
                    body(world);
                }
                catch (Exception e)
                {
                    failures[rank] = e;
                    // Wake ranks blocked on this one so the test fails instead of hanging.
                    foreach (RankRuntime runtime in runtimes)
                        runtime.Engine.FailAll(new HpcException($"{EchoPrefix}{rank} failed: {e.Message}"));
                }
            }) { IsBackground = true, Name = $"rank {rank}" };
        }
        foreach (Thread thread in threads)
            thread.Start();
        DateTime deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        foreach (Thread thread in threads)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (!thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                foreach (RankRuntime runtime in runtimes)
                    runtime.Engine.FailAll(new TimeoutException("test timed out"));
                throw new TimeoutException($"{thread.Name} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds} s (np={size})");
            }
        }
        // Prefer the root cause over the echoes FailAll raised on the other ranks.
        Exception? first = failures.FirstOrDefault(f => f is not null && !IsEcho(f)) ?? failures.FirstOrDefault(f => f is not null);
        if (first is not null)
            ExceptionDispatchInfo.Capture(first).Throw();
    }

    /// <summary>Runs <paramref name="body"/> on every rank and returns each rank's result, by rank.</summary>
    public static T[] Run<T>(int size, Func<Communicator, T> body, long eagerLimit = RankRuntime.DefaultEagerLimit, TimeSpan? timeout = null,
        bool checkCollectives = false, string[]? hosts = null)
    {
        var results = new T[size];
        Run(size, world => { results[world.Rank] = body(world); }, eagerLimit, timeout, checkCollectives, hosts: hosts);
        return results;
    }

    // A layer above (the MPI.NET one) may wrap the echo, so look at the whole chain.
    private static bool IsEcho(Exception e) =>
        e.Message.Contains(EchoPrefix, StringComparison.Ordinal) || (e.InnerException is { } inner && IsEcho(inner));
}
