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
        long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
        do
        {
            if (engine is null)
                Thread.SpinWait(20);
            else
                engine.Progress();
            request.AdvanceWhileWaiting();
            if (request.IsCompleted)
                return;
        }
        while (Stopwatch.GetTimestamp() < deadline);
    }
}
