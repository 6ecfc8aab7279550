namespace Hpc.Launcher;

/// <summary>
/// Everything the user asked for, validated: what to run, how many times, and with which
/// additions to the environment. Produced by <see cref="CommandLineParsing"/>, consumed by
/// <see cref="ProgramResolver"/> and <see cref="Job"/>.
/// </summary>
/// <param name="Ranks">Number of processes, at least 1.</param>
/// <param name="Program">The program as the user typed it (path, name on PATH, .dll, .csproj or project directory).</param>
/// <param name="ProgramArgs">Arguments for the program, passed unchanged.</param>
/// <param name="Environment">Variables added to every rank's environment, in order (later wins).</param>
/// <param name="TagOutput">Prefix forwarded lines with the rank.</param>
/// <param name="Timeout">Wall-clock limit, or null for none.</param>
/// <param name="TimeoutText">The limit as the user wrote it, for messages.</param>
/// <param name="Verbose">Launcher diagnostics on stderr.</param>
/// <param name="Placement">Host of every rank when hosts were given (hostfile, <c>-H</c>, Slurm); null runs every rank here.</param>
/// <param name="Agent">How daemons are started on hosts other than this one.</param>
/// <param name="Iface">Interface whose address other hosts use to reach this job, or null for the default route's.</param>
internal sealed record JobSpec(
    int Ranks,
    string Program,
    IReadOnlyList<string> ProgramArgs,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    bool TagOutput,
    TimeSpan? Timeout,
    string? TimeoutText,
    bool Verbose,
    Placement? Placement = null,
    LaunchAgent? Agent = null,
    string? Iface = null);
