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
        bool completed = false, registered = false, blocked = false;
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
            if (SpinAndRelax(request, engine, ref registered))
            {
                completed = true;
                return true;
            }
            // Giving up or blocking, the thread must be counted: its exit as one who gave up
            // wakes the readers, and while it sleeps on the doorbell they stay parked.
            Register(engine, ref registered);
            if (signal is null)
                return false;
            // Block on the doorbell, still counted as a spinner: this thread reads the links
            // itself each time it wakes, so the background readers stay parked.
            Interlocked.Increment(ref request.BlockedWaiters);
            blocked = true;
            while (!request.IsCompleted)
            {
                if (request.HasWorkForWaiter)
                    AdvanceOutsideSpin(request, engine, ref registered);
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
            if (registered)
                engine.ExitSpin(gaveUp: !completed);
            if (work)
                request.AdvanceWhileWaiting();
        }
    }

    /// <summary>Counts this thread as spinning on the engine, once.</summary>
    private static void Register(ProgressEngine engine, ref bool registered)
    {
        if (registered)
            return;
        engine.EnterSpin();
        registered = true;
    }

    /// <summary>
    /// The spin and relax phases: polls until the request completes or the wait should block.
    /// The thread registers as a spinner (which parks the background readers) only once the
    /// spin phase is over: a wait that ends within it, as most do with a core per rank, costs
    /// no atomic operation on the engine's count. Meanwhile an awake reader may poll beside
    /// it, which only shares the reading.
    /// </summary>
    private static bool SpinAndRelax(Request request, ProgressEngine engine, ref bool registered)
    {
        WaitStrategy.Backoff backoff = engine.Waiting.Begin();
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
                    AdvanceOutsideSpin(request, engine, ref registered);
                    continue;
                }
                long current = request.ProgressMark;
                if (current != mark)
                {
                    // A large message is moving: the wait blocks only once it stalls.
                    mark = current;
                    backoff.Restart();
                }
                bool keepPolling = backoff.Pause();
                if (backoff.OutlastedSpin)
                    Register(engine, ref registered);
                if (!keepPolling)
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
    private static void AdvanceOutsideSpin(Request request, ProgressEngine engine, ref bool registered)
    {
        // A TCP link starts the readers itself once its socket is full: waking them for every
        // large send cost a thread wake-up and a poll(2) wake per message.
        if (request.AdvancesWithoutReaders)
        {
            request.AdvanceWhileWaiting();
            return;
        }
        // Leaving the spin as one who gave up is what wakes the readers.
        Register(engine, ref registered);
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
