using System.Globalization;
using System.Runtime.InteropServices;

namespace Hpc.Launcher;

/// <summary>Linux signal numbers and names, and how .NET reports a death by signal.</summary>
internal static class Signals
{
    /// <summary>The signal that killed a process, from .NET's 128+N exit code on Unix, or null.</summary>
    /// <remarks>A program that itself exits with 129..192 is indistinguishable from a signal death and is reported as one.</remarks>
    public static int? Of(int exitCode) => exitCode is > 128 and <= 128 + 64 ? exitCode - 128 : null;

    /// <summary>Linux's name for signal <paramref name="signal"/>, e.g. <c>SIGKILL</c>.</summary>
    public static string Name(int signal) => signal switch
    {
        1 => "SIGHUP", 2 => "SIGINT", 3 => "SIGQUIT", 4 => "SIGILL", 5 => "SIGTRAP", 6 => "SIGABRT",
        7 => "SIGBUS", 8 => "SIGFPE", 9 => "SIGKILL", 10 => "SIGUSR1", 11 => "SIGSEGV", 12 => "SIGUSR2",
        13 => "SIGPIPE", 14 => "SIGALRM", 15 => "SIGTERM", 16 => "SIGSTKFLT", 17 => "SIGCHLD", 18 => "SIGCONT",
        19 => "SIGSTOP", 20 => "SIGTSTP", 21 => "SIGTTIN", 22 => "SIGTTOU", 23 => "SIGURG", 24 => "SIGXCPU",
        25 => "SIGXFSZ", 26 => "SIGVTALRM", 27 => "SIGPROF", 28 => "SIGWINCH", 29 => "SIGIO", 30 => "SIGPWR",
        31 => "SIGSYS",
        _ => "SIGRT" + signal.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The Linux number of a signal .NET lets us handle.</summary>
    public static int Number(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        PosixSignal.SIGQUIT => 3,
        _ => 15,
    };
}
