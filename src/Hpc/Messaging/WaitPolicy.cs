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
    private static long s_spinTicks = ToTicks(ReadSpinMicroseconds() ?? 200);

    /// <summary>Adapts the spin time to how many ranks share this host's cores.</summary>
    public static void Configure(int ranksOnHost)
    {
        long micros = ReadSpinMicroseconds() ?? (ranksOnHost > Environment.ProcessorCount ? 0 : 200);
        s_spinTicks = ToTicks(micros);
    }

    private static long ToTicks(long micros) => micros * Stopwatch.Frequency / 1_000_000;

    /// <summary>HPC_SPIN_US overrides the spin time in microseconds (benchmarks and experiments).</summary>
    private static long? ReadSpinMicroseconds() =>
        long.TryParse(Environment.GetEnvironmentVariable("HPC_SPIN_US"), out long value) && value >= 0 ? value : null;

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
        long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
        engine.EnterSpin();
        bool completed = false;
        try
        {
            do
            {
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
            while (Stopwatch.GetTimestamp() < deadline);
        }
        finally
        {
            engine.ExitSpin(gaveUp: !completed);
        }
    }
}
