using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// The command line of a per-host daemon: <c>dotnet Hpc.Launcher.dll --daemon --job-id ID
/// --launcher ADDRESS:PORT --host HOST [--verbose]</c>. It holds nothing secret, because anyone on
/// the host can read it with <c>ps</c>: the job secret reaches the daemon as the first line of its
/// standard input, which the launch agent (ssh, srun) forwards.
/// </summary>
internal sealed record DaemonCommand(string JobId, string LauncherAddress, string Host, bool Verbose)
{
    /// <summary>The first argument that puts the launcher into daemon mode.</summary>
    public const string Flag = "--daemon";

    /// <summary>The words that start this daemon: the dotnet host, the launcher's dll, then the options.</summary>
    public IReadOnlyList<string> ToArguments(string dotnetHost, string launcherDll) =>
    [
        dotnetHost, launcherDll, Flag,
        "--job-id", JobId,
        "--launcher", LauncherAddress,
        "--host", Host,
        .. Verbose ? new[] { "--verbose" } : [],
    ];

    /// <summary>Parses the words after <see cref="Flag"/>.</summary>
    /// <exception cref="UsageException">An option is unknown or missing.</exception>
    public static DaemonCommand Parse(IReadOnlyList<string> args)
    {
        string? jobId = null, launcher = null, host = null;
        bool verbose = false;
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"daemon option '{args[i]}' needs a value");
            switch (args[i])
            {
                case "--job-id": jobId = Value(); break;
                case "--launcher": launcher = Value(); break;
                case "--host": host = Value(); break;
                case "--verbose": verbose = true; break;
                default: throw new UsageException($"unknown daemon option '{args[i]}'");
            }
        }
        if (jobId is null || launcher is null || host is null)
            throw new UsageException("the daemon needs --job-id, --launcher and --host");
        // The id names files to delete in /dev/shm: it must not be able to name anything else.
        if (jobId.Length == 0 || !jobId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || jobId.StartsWith('.'))
            throw new UsageException($"daemon: --job-id '{jobId}' is not a job id");
        int colon = launcher.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(launcher.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new UsageException($"daemon: --launcher '{launcher}' is not an address:port");
        return new DaemonCommand(jobId, launcher, host, verbose);
    }
}
