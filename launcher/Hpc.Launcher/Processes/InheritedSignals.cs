using System.Runtime.InteropServices;

namespace Hpc.Launcher;

/// <summary>
/// Undoes an inherited "ignore SIGINT/SIGQUIT", so that mpirun always ends its job on them.
/// </summary>
/// <remarks>
/// A non-interactive shell starts every background command (<c>cmd &amp;</c>, and so a
/// <c>timeout -s INT 5 dotnet mpirun ... &amp;</c> in a script or CI step) with SIGINT and SIGQUIT
/// ignored, and .NET then does not install its handler for them, so
/// <see cref="PosixSignalRegistration"/> never fires: the signal was silently lost, while SIGTERM
/// worked. Open MPI's mpirun handles SIGINT however it was started; so does this one, and its
/// ranks start with the default disposition again. Must run before anything registers a handler.
/// </remarks>
internal static partial class InheritedSignals
{
    private const int SigInt = 2;
    private const int SigQuit = 3;
    private static readonly nint SigIgn = 1;
    private static readonly nint SigDfl = 0;

    /// <summary>Restores the default disposition of SIGINT and SIGQUIT where it was "ignore".</summary>
    public static void Restore()
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            foreach (int signal in new[] { SigInt, SigQuit })
            {
                nint previous = Signal(signal, SigDfl);
                if (previous != SigIgn)
                    Signal(signal, previous); // it was not ignored: leave whatever was there
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
