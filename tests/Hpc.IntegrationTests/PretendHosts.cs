namespace Hpc.IntegrationTests;

/// <summary>
/// Hosts that are names only: a launch agent (<c>agent HOST COMMAND...</c>) that runs each host's
/// daemon right here, as ssh would run it on HOST. A job over them goes through the real daemons
/// without root or network namespaces; ranks of one pretend host share memory, ranks of different
/// ones reach each other only over TCP, as on two machines.
/// </summary>
internal sealed class PretendHosts : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hpc-pretend-hosts-").FullName;

    /// <summary>Writes the agent script into a directory of its own, removed by <see cref="Dispose"/>.</summary>
    public PretendHosts()
    {
        Agent = Path.Combine(_directory, "agent");
        File.WriteAllText(Agent, "#!/bin/sh\nshift\nexec sh -c \"$*\"\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The launch agent's path, for <c>--launch-agent</c>.</summary>
    public string Agent { get; }

    /// <summary>
    /// Processes of the job whose launcher had pid <paramref name="mpirunPid"/> still running after
    /// a few seconds' grace: its daemons (<c>--job-id hpc-PID-…</c> on their command line) and its
    /// ranks and children (<c>HPC_JOB_ID=hpc-PID-…</c>), so other jobs on the machine never count.
    /// </summary>
    public static string[] ProcessesLeftOf(int mpirunPid)
    {
        string job = $"hpc-{mpirunPid}-";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var left = new List<string>();
            foreach (string dir in Directory.Exists("/proc") ? Directory.GetDirectories("/proc") : [])
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid))
                    continue;
                try
                {
                    string[] argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                    bool daemon = argv.Contains("--daemon") && argv.Any(a => a.StartsWith(job, StringComparison.Ordinal));
                    bool rank = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0').Any(v => v.StartsWith("HPC_JOB_ID=" + job, StringComparison.Ordinal));
                    if (daemon || rank)
                        left.Add($"{pid} {string.Join(' ', argv)}");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile, or not ours to read.
                }
            }
            if (left.Count == 0 || DateTime.UtcNow > deadline)
                return [.. left];
            Thread.Sleep(100);
        }
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
