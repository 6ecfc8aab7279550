namespace Hpc.Launcher;

/// <summary>
/// Everything the user asked for, validated: what to run, how many times, and with which
/// additions to the environment. Produced by <see cref="CommandLineParsing"/>, consumed by
/// <see cref="ProgramResolver"/> and <see cref="Job"/>.
/// </summary>
/// <param name="Apps">The programs of the job in rank order: one, or several for MPMD (<c>-np 1 a : -np 3 b</c>).</param>
/// <param name="Environment">Variables added to every rank's environment, in order (later wins).</param>
/// <param name="Output">Where and how the ranks' output is forwarded.</param>
/// <param name="Timeout">Wall-clock limit, or null for none.</param>
/// <param name="TimeoutText">The limit as the user wrote it, for messages.</param>
/// <param name="Verbose">Launcher diagnostics on stderr.</param>
/// <param name="Placement">Host of every rank when hosts were given (hostfile, <c>-H</c>, Slurm); null runs every rank here.</param>
/// <param name="Agent">How daemons are started on hosts other than this one.</param>
/// <param name="Iface">Interface whose address other hosts use to reach this job, or null for the default route's.</param>
/// <param name="Stdin">Which ranks read mpirun's standard input (<c>--stdin</c>; rank 0 by default).</param>
/// <param name="Binding">CPU binding of the ranks on this host (<c>--bind-to</c>, <c>--report-bindings</c>).</param>
/// <param name="DisplayMap">Print where every rank runs before starting (<c>--display-map</c>).</param>
/// <param name="Oversubscribe">More ranks than slots (or than cores to bind to) are allowed.</param>
/// <param name="Diagnostics">Hang report threshold, profile and trace (<c>--hang-after</c>, <c>--profile</c>, <c>--trace</c>).</param>
internal sealed record JobSpec(
    IReadOnlyList<JobProgram> Apps,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    OutputOptions Output,
    TimeSpan? Timeout,
    string? TimeoutText,
    bool Verbose,
    Placement? Placement = null,
    LaunchAgent? Agent = null,
    string? Iface = null,
    StdinTarget? Stdin = null,
    BindingOptions? Binding = null,
    bool DisplayMap = false,
    bool Oversubscribe = false,
    DiagnosticsOptions? Diagnostics = null)
{
    /// <summary>Number of processes, at least 1: the sum over <see cref="Apps"/>.</summary>
    public int Ranks { get; } = Apps.Sum(a => a.Ranks);

    /// <summary>The (first) program as the user typed it.</summary>
    public string Program => Apps[0].Program;

    /// <summary>Arguments of the (first) program.</summary>
    public IReadOnlyList<string> ProgramArgs => Apps[0].Args;

    /// <summary>Prefix forwarded lines with the rank (<c>--tag-output</c>).</summary>
    public bool TagOutput => Output.Tag;

    /// <summary>Index into <see cref="Apps"/> of the program rank <paramref name="rank"/> runs.</summary>
    public int AppIndexOf(int rank)
    {
        for (int i = 0; i < Apps.Count; i++)
        {
            if (rank < Apps[i].FirstRank + Apps[i].Ranks)
                return i;
        }
        throw new ArgumentOutOfRangeException(nameof(rank));
    }
}

/// <summary>What mpirun reports about the job beyond its output.</summary>
/// <param name="HangAfter">Print the hang report once a call has waited this long; null never.</param>
/// <param name="Profile">Print the profile summary at the end (<c>--profile</c>).</param>
/// <param name="ProfileJson">Also write it as JSON here (<c>--profile-json</c>), absolute; null for none.</param>
/// <param name="TraceFile">Write the job's trace here (<c>--trace</c>), absolute; null for none.</param>
internal sealed record DiagnosticsOptions(TimeSpan? HangAfter, bool Profile = false, string? ProfileJson = null, string? TraceFile = null)
{
    /// <summary>Default of <c>--hang-after</c> / <c>HPC_HANG_AFTER</c>.</summary>
    public static readonly TimeSpan DefaultHangAfter = TimeSpan.FromSeconds(120);

    /// <summary>The defaults: hang report after 120 s, no profile, no trace.</summary>
    public static DiagnosticsOptions Default { get; } = new(DefaultHangAfter);
}

/// <summary>One program of the job and its ranks (Open MPI's "app context").</summary>
/// <param name="Program">The program as the user typed it (path, name on PATH, .dll, .csproj or project directory).</param>
/// <param name="Args">Arguments for the program, passed unchanged.</param>
/// <param name="Ranks">How many ranks run it.</param>
/// <param name="FirstRank">World rank of its first rank; its ranks are consecutive.</param>
/// <param name="Environment">Variables only its ranks get (an MPMD context's own <c>-x</c>), after the job's.</param>
/// <param name="WorkingDirectory">Absolute working directory of its ranks (<c>--wdir</c>), or null for mpirun's.</param>
internal sealed record JobProgram(
    string Program,
    IReadOnlyList<string> Args,
    int Ranks,
    int FirstRank,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string? WorkingDirectory);

/// <summary>How the ranks' output is forwarded.</summary>
/// <param name="Tag">Open MPI's <c>[1,RANK]&lt;stdout&gt;:</c> prefix (<c>--tag-output</c>).</param>
/// <param name="Timestamp">A time stamp before every line (<c>--timestamp-output</c>).</param>
/// <param name="MergeStderr">A rank's stderr goes where its stdout goes (<c>--merge-stderr-to-stdout</c>).</param>
/// <param name="Directory">Write to <c>DIR/1/rank.N/stdout|stderr</c> instead of the terminal (<c>--output-filename</c>).</param>
internal sealed record OutputOptions(bool Tag = false, bool Timestamp = false, bool MergeStderr = false, string? Directory = null);

/// <summary>Which ranks read mpirun's standard input: every rank, one rank, or none (<c>--stdin all|none|RANK</c>).</summary>
/// <param name="All">Every rank gets a copy of everything mpirun reads.</param>
/// <param name="Rank">The one rank that reads it, when not <paramref name="All"/>; null for none.</param>
internal sealed record StdinTarget(bool All, int? Rank)
{
    /// <summary>Open MPI's default: rank 0 reads stdin, the others see EOF.</summary>
    public static StdinTarget RankZero { get; } = new(false, 0);

    /// <summary>True when rank <paramref name="rank"/> reads mpirun's stdin.</summary>
    public bool Includes(int rank) => All || Rank == rank;
}

/// <summary>What <c>--bind-to</c> pins every rank to.</summary>
internal enum BindTo
{
    /// <summary>
    /// The default, as Open MPI's: up to two ranks on a host, each to a core of its own; more, each
    /// to the socket of its core; more ranks than cores, no pinning (never an error). See CpuBinding.PlanAuto.
    /// </summary>
    Auto,
    /// <summary>No pinning: the scheduler may move ranks.</summary>
    None,
    /// <summary>Each rank to one core (all its hardware threads), by local rank.</summary>
    Core,
    /// <summary>Each rank to one socket (package), by local rank.</summary>
    Socket,
}

/// <summary>CPU binding as asked on the command line.</summary>
/// <param name="Target">What each rank is pinned to.</param>
/// <param name="Report">Print each rank's binding (<c>--report-bindings</c>).</param>
internal sealed record BindingOptions(BindTo Target, bool Report);
