namespace Hpc.Launcher;

/// <summary>
/// A mistake in what the user asked for: reported as one line <c>mpirun: message</c> on stderr
/// and exit code 2, never as a stack trace.
/// </summary>
internal sealed class UsageException(string message) : Exception(message)
{
    /// <summary>The exit code of every usage error, as for shells' and getopt's misuse.</summary>
    public const int ExitCode = 2;
}
