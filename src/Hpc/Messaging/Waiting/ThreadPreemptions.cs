using System.Runtime.InteropServices;

namespace Hpc.Messaging.Waiting;

/// <summary>
/// How often the kernel has taken the calling thread off its core for another runnable thread
/// (involuntary context switches, <c>getrusage(RUSAGE_THREAD)</c>): a waiting thread that gets
/// preempted while it polls is sharing its core. Where the call is unavailable the count stays 0,
/// and waits keep their full polling time.
/// </summary>
internal static unsafe partial class ThreadPreemptions
{
    private const int RusageThread = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxResident, SharedText, UnsharedData, UnsharedStack, MinorFaults, MajorFaults, Swaps,
            BlockInputs, BlockOutputs, MessagesSent, MessagesReceived, Signals, VoluntarySwitches, InvoluntarySwitches;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, Rusage* usage);

    private static readonly bool s_available = OperatingSystem.IsLinux();

    /// <summary>Involuntary context switches of the calling thread so far; 0 where unknown.</summary>
    public static long Count()
    {
        if (!s_available)
            return 0;
        Rusage usage;
        return getrusage(RusageThread, &usage) == 0 ? usage.InvoluntarySwitches : 0;
    }
}
