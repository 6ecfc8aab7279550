using System.Collections.Concurrent;

namespace Hpc.Collectives.NonBlocking;

/// <summary>
/// Threads that run non-blocking collectives. A collective blocks while it waits for peers, and
/// may wait for another collective in flight (on another rank, or issued later here), so no
/// item may ever queue behind a busy worker: each one gets an idle worker or a new thread.
/// Idle workers are kept for <see cref="IdleTimeout"/>, so a loop of Iallreduce calls reuses
/// threads instead of paying for a thread start each time (tens of microseconds, as much as a
/// small allreduce). Not the thread pool: blocked pool threads would starve the work items
/// that deliver rendezvous data.
/// </summary>
internal static class CollectiveWorkers
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);
    private static readonly ConcurrentQueue<Action> s_items = new();
    private static readonly SemaphoreSlim s_ready = new(0);

    /// <summary>Workers waiting for an item that no <see cref="Run"/> has claimed yet.</summary>
    private static int s_unclaimedIdle;

    /// <summary>Runs <paramref name="body"/> on a worker; the task completes (or fails) with it.</summary>
    public static Task Run(Action body)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s_items.Enqueue(() =>
        {
            try
            {
                body();
                completion.SetResult();
            }
            catch (Exception e)
            {
                completion.SetException(e);
            }
        });
        if (!TryClaimIdle())
            StartWorker();
        s_ready.Release();
        return completion.Task;
    }

    private static bool TryClaimIdle()
    {
        int idle = Volatile.Read(ref s_unclaimedIdle);
        while (idle > 0)
        {
            int seen = Interlocked.CompareExchange(ref s_unclaimedIdle, idle - 1, idle);
            if (seen == idle)
                return true;
            idle = seen;
        }
        return false;
    }

    private static void StartWorker() =>
        new Thread(WorkLoop) { IsBackground = true, Name = "hpc collective" }.Start();

    private static void WorkLoop()
    {
        // A worker starts claimed (it was started for an item); every signal it takes comes with
        // an item, and after running it the worker becomes an unclaimed idle one again.
        while (true)
        {
            if (!s_ready.Wait(IdleTimeout))
            {
                // Leave only if no Run has claimed this idle slot meanwhile; otherwise its
                // signal is on the way and some waiting worker must take it.
                if (TryClaimIdle())
                    return;
                continue;
            }
            if (s_items.TryDequeue(out Action? item))
                item();
            Interlocked.Increment(ref s_unclaimedIdle);
        }
    }
}
