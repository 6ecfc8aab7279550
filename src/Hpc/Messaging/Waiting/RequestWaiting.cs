namespace Hpc.Messaging.Waiting;

/// <summary>
/// How a blocking call waits for its request (<see cref="Request.Wait"/>), in the phases of the
/// rank's <see cref="WaitStrategy"/>: it polls the links itself while it spins and yields, so a
/// message that arrives is read by the very thread that waits for it; then it blocks. It blocks
/// on the inbox doorbell itself where the rank has one for every peer (<see cref="IArrivalSignal"/>),
/// reading the links each time it wakes; otherwise (TCP peers) the background readers make the
/// progress and complete the request, which wakes it.
/// </summary>
internal static class RequestWaiting
{
    /// <summary>Safety net of a doorbell sleep: a missed wake-up costs this much, never a hang.</summary>
    private const int SleepTimeoutMilliseconds = 100;

    /// <summary>Waits until <paramref name="request"/> completes.</summary>
    public static void Wait(Request request)
    {
        ProgressEngine? engine = request.Engine;
        if (engine is null || !PollAndSleepOnSignal(request, engine))
            request.WaitForSignal();
    }

    /// <summary>Every phase this thread can wait in itself; false when the request is still waiting for another thread to complete it.</summary>
    private static bool PollAndSleepOnSignal(Request request, ProgressEngine engine)
    {
        // While this thread is counted as spinning, the engine leaves work on the request (a
        // cleared large send) to it instead of waking a pool thread. Only requests that can have
        // such work count their waiters: two atomic operations a receive never needs.
        bool counted = request.CanHaveWorkForWaiter;
        if (counted)
            Interlocked.Increment(ref request.SpinningWaiters);
        bool completed = false, spinning = false, blocked = false;
        IArrivalSignal? signal = engine.ArrivalSignal;
        try
        {
            // The message has often arrived already: one poll, and no wait bookkeeping at all.
            engine.Progress();
            if (request.IsCompleted)
            {
                completed = true;
                return true;
            }
            // Counted as spinning from the start of the wait, so an awake background reader
            // parks instead of polling beside this thread. Counting only after the spin phase
            // saves two atomic operations a wait, but a reader woken by an earlier wait that
            // blocked would then poll beside every short one, taking a core from a rank that
            // shares its cores (tried 2026-12-07; beside CPU-bound work the runs could not tell
            // the two apart, so the safer order stays).
            engine.EnterSpin();
            spinning = true;
            completed = SpinAndRelax(request, engine);
            if (completed || signal is null)
                return completed;
            // Block on the doorbell, still counted as a spinner: this thread reads the links
            // itself each time it wakes, so the background readers stay parked.
            Interlocked.Increment(ref request.BlockedWaiters);
            blocked = true;
            while (!request.IsCompleted)
            {
                if (request.HasWorkForWaiter)
                    AdvanceOutsideSpin(request, engine);
                signal.Sleep(request, SleepTimeoutMilliseconds);
                engine.Progress();
            }
            completed = true;
            return true;
        }
        finally
        {
            if (blocked)
                Interlocked.Decrement(ref request.BlockedWaiters);
            // After this decrement (a full fence) the engine hands new work to a pool thread;
            // work it handed over before is done here, so none is left behind.
            if (counted)
                Interlocked.Decrement(ref request.SpinningWaiters);
            bool work = !completed && request.HasWorkForWaiter;
            if (spinning)
                engine.ExitSpin(gaveUp: !completed);
            if (work)
                request.AdvanceWhileWaiting();
        }
    }

    /// <summary>The spin and relax phases: polls until the request completes or the wait should block.</summary>
    private static bool SpinAndRelax(Request request, ProgressEngine engine)
    {
        WaitStrategy.Backoff backoff = engine.Waiting.Begin(request.PeerWorkMicroseconds);
        long mark = request.ProgressMark;
        try
        {
            while (true)
            {
                engine.Progress();
                if (request.IsCompleted)
                    return true;
                if (request.HasWorkForWaiter)
                {
                    AdvanceOutsideSpin(request, engine);
                    continue;
                }
                long current = request.ProgressMark;
                if (current != mark)
                {
                    // A large message is moving: the wait blocks only once it stalls.
                    mark = current;
                    backoff.Restart();
                }
                if (!backoff.Pause())
                    return false;
            }
        }
        finally
        {
            backoff.Finish();
        }
    }

    /// <summary>
    /// Writes bulk data for the request. That can block until the peer reads, so the background
    /// readers must run meanwhile, or two ranks sending to each other could both stall.
    /// </summary>
    private static void AdvanceOutsideSpin(Request request, ProgressEngine engine)
    {
        // A TCP link starts the readers itself once its socket is full: waking them for every
        // large send cost a thread wake-up and a poll(2) wake per message.
        if (request.AdvancesWithoutReaders)
        {
            request.AdvanceWhileWaiting();
            return;
        }
        engine.ExitSpin(gaveUp: true);
        try
        {
            request.AdvanceWhileWaiting();
        }
        finally
        {
            engine.EnterSpin();
        }
    }
}
