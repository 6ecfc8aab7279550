using System.Diagnostics;

namespace Hpc.Messaging;

/// <summary>
/// How a blocked call waits: it first spins for a short time, polling the links itself so a
/// message that arrives is read by the very thread that waits for it (no wake-up of another
/// thread); then it gives the core away and sleeps until the background reader completes the
/// request. When the host runs more ranks than it has cores, spinning only steals time from
/// the rank we wait for, so the spin shrinks to one poll.
/// </summary>
internal static class WaitPolicy
{
    private const int ClockEveryPolls = 64;

    /// <summary>
    /// How long a waiter spins without progress before it sleeps. It must outlast the chain of
    /// wake-ups a sleeping peer needs to answer (doorbell futex, background reader, the waiting
    /// thread), or a ping-pong settles into both sides sleeping on every message: with 200 µs,
    /// whole runs of 256 KiB round trips took ~550 µs instead of 33 (2 of 8 runs); with 1 ms none
    /// of 10 did (2026-12-01, np 2, per-call timings). The bound for a blocked rank is
    /// "about 0 % CPU after the first millisecond".
    /// </summary>
    private const long DefaultSpinMicroseconds = 1000;

    private static long s_spinTicks = ToTicks(DefaultSpinMicroseconds);

    /// <summary>Adapts the spin time to how many ranks share this host's cores (<paramref name="fixedMicroseconds"/>: HPC_SPIN_US).</summary>
    public static void Configure(int ranksOnHost, long? fixedMicroseconds)
    {
        long micros = fixedMicroseconds ?? (ranksOnHost > Environment.ProcessorCount ? 0 : DefaultSpinMicroseconds);
        s_spinTicks = ToTicks(micros);
    }

    private static long ToTicks(long micros) => micros * Stopwatch.Frequency / 1_000_000;

    /// <summary>False when this host runs more ranks than cores: waiting threads give the core away at once.</summary>
    public static bool Spins => s_spinTicks > 0;

    /// <summary>
    /// The first call starts the spin time: a wait that ends within a few polls never reads the
    /// clock. The spin time starts over whenever the request made progress since the last look
    /// (a large message streaming in): a waiter sleeps only once its operation stalls.
    /// </summary>
    private static bool StillSpinning(Request request, ref long deadline, ref long mark)
    {
        long now = Stopwatch.GetTimestamp();
        long current = request.ProgressMark;
        if (deadline == 0 || current != mark)
        {
            deadline = now + s_spinTicks;
            mark = current;
        }
        return now < deadline;
    }

    /// <summary>Spins, making progress, until <paramref name="request"/> completes or the spin time is spent.</summary>
    public static void SpinUntilCompleted(Request request)
    {
        MatchingEngine? engine = request.Engine;
        if (engine is null || s_spinTicks == 0)
        {
            engine?.Progress();
            engine?.RequestBackgroundProgress();
            return;
        }
        // While this thread is counted as spinning, the engine leaves work on the request (a
        // cleared large send) to it instead of waking a pool thread.
        Interlocked.Increment(ref request.SpinningWaiters);
        bool completed = false, spinning = false;
        long deadline = 0, mark = 0;
        int polls = 0;
        try
        {
            // The message has often arrived already: one poll, and no spin bookkeeping at all.
            engine.Progress();
            if (request.IsCompleted)
            {
                completed = true;
                return;
            }
            engine.EnterSpin();
            spinning = true;
            do
            {
                // A pause between polls: the hardware thread beside this one (often the peer
                // rank, copying our data) gets the core's resources instead of our empty loads.
                Thread.SpinWait(1);
                engine.Progress();
                if (request.IsCompleted)
                {
                    completed = true;
                    return;
                }
                if (request.HasWorkForWaiter)
                {
                    // Writing bulk data can block until the peer reads; the background readers
                    // must run meanwhile, or two ranks sending to each other could both stall.
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
            // Reading the clock costs more than a poll (it is a paravirtualized clock in a VM, and
            // profiles of ping-pong showed half the time there), so only every few polls.
            while ((++polls & (ClockEveryPolls - 1)) != 0 || StillSpinning(request, ref deadline, ref mark));
        }
        finally
        {
            // After this decrement (a full fence) the engine hands new work to a pool thread;
            // work it handed over before is done here, so none is left behind.
            Interlocked.Decrement(ref request.SpinningWaiters);
            bool work = !completed && request.HasWorkForWaiter;
            if (spinning)
                engine.ExitSpin(gaveUp: !completed);
            if (work)
                request.AdvanceWhileWaiting();
        }
    }
}
