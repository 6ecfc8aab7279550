using CommandLine;

namespace Hpc.Launcher;

/// <summary>
/// The launcher's own options, bound by CommandLineParser. Values that need a precise error
/// message (counts, durations, paths) are kept as text here and validated by
/// <see cref="CommandLineParsing"/>, which names the offending input in Open MPI's words.
/// </summary>
/// <remarks>
/// This class is the single source of truth for which options exist and which take a value:
/// <see cref="ArgvSplitter"/> reads the attributes to know where the program starts.
/// Public only because CommandLineParser binds through reflection.
/// </remarks>
public sealed class LauncherOptions
{
    /// <summary>Number of ranks (<c>-np N</c>, <c>-n N</c>, <c>--np N</c>).</summary>
    [Option('n', "np", MetaValue = "N",
        HelpText = "Number of ranks to start (also spelled -np). Default: the number of cores.")]
    public string? Np { get; set; }

    /// <summary>Environment exports, each <c>VAR</c> or <c>VAR=value</c> (<c>-x</c>, repeatable).</summary>
    [Option('x', MetaValue = "VAR[=value]",
        HelpText = "Export VAR to every rank: its value in mpirun's environment, or the given value. Repeatable.")]
    public IEnumerable<string> Exports { get; set; } = [];

    /// <summary>Prefix forwarded lines with <c>[1,rank]&lt;stdout&gt;:</c> as Open MPI does.</summary>
    [Option("tag-output", HelpText = "Prefix every output line with [1,RANK]<stdout>: or [1,RANK]<stderr>: (Open MPI's format).")]
    public bool TagOutput { get; set; }

    /// <summary>Wall-clock limit of the job in seconds.</summary>
    [Option("timeout", MetaValue = "SECONDS",
        HelpText = "End the job after SECONDS, first printing what every rank is waiting for; exit code 124.")]
    public string? Timeout { get; set; }

    /// <summary>Allows more ranks than the hosts' slots; without a host list more ranks than cores are always allowed.</summary>
    [Option("oversubscribe", HelpText = "Allow more ranks than the hosts provide slots (max_slots still bounds). Without hosts, always allowed.")]
    public bool Oversubscribe { get; set; }

    /// <summary>Hostfile in Open MPI's format (<c>host slots=N max_slots=M</c>).</summary>
    [Option("hostfile", MetaValue = "FILE",
        HelpText = "Hosts to run on, one per line: 'host slots=N [max_slots=M]' (Open MPI's format). Default -np: the total slots.")]
    public string? Hostfile { get; set; }

    /// <summary>Open MPI's other name for <see cref="Hostfile"/>.</summary>
    [Option("machinefile", MetaValue = "FILE", Hidden = true)]
    public string? Machinefile { get; set; }

    /// <summary>Hosts given on the command line, <c>host1:2,host2:2</c> (repeatable).</summary>
    [Option('H', "host", MetaValue = "HOST[:SLOTS],...",
        HelpText = "Hosts to run on with their slots (default 1), e.g. -H node1:4,node2:4. Repeatable.")]
    public IEnumerable<string> HostList { get; set; } = [];

    /// <summary>Placement policy over the hosts: <c>slot</c> (default), <c>node</c>, <c>ppr:N:node</c> or <c>ppr:N:core</c>.</summary>
    [Option("map-by", MetaValue = "slot|node|ppr:N:node|ppr:N:core",
        HelpText = "slot: fill each host's slots before the next host (default); node: one rank per host in turn; ppr:N:node / ppr:N:core: N per host / per core.")]
    public string? MapBy { get; set; }

    /// <summary>Command that starts the per-host daemon on another host, run as <c>CMD HOST COMMAND...</c>.</summary>
    [Option("launch-agent", MetaValue = "CMD",
        HelpText = "Command run as 'CMD HOST COMMAND...' to start the daemon on other hosts. Default: ssh (srun inside a Slurm allocation).")]
    public string? LaunchAgent { get; set; }

    /// <summary>Network interface whose IPv4 address other hosts reach this job on.</summary>
    [Option("iface", MetaValue = "NAME",
        HelpText = "Network interface for the job's connections between hosts (HPC_IFACE). Default: the default route's.")]
    public string? Iface { get; set; }

    /// <summary>Per-job collective algorithm overrides, passed to ranks as <c>HPC_COLL</c>.</summary>
    [Option("coll", MetaValue = "SPEC", HelpText = "Collective algorithm overrides, e.g. allreduce=ring,bcast=binomial (HPC_COLL).")]
    public string? Coll { get; set; }

    /// <summary>Tuning file, passed to ranks as an absolute <c>HPC_TUNE_FILE</c>.</summary>
    [Option("tune", MetaValue = "FILE", HelpText = "Tuning file written by the benchmark (HPC_TUNE_FILE).")]
    public string? Tune { get; set; }

    /// <summary>Transport selection, passed to ranks as <c>HPC_TRANSPORT</c>.</summary>
    [Option("transport", MetaValue = "shm|tcp|auto", HelpText = "Transport between ranks on one host (HPC_TRANSPORT).")]
    public string? Transport { get; set; }

    /// <summary>Enables the library's correctness checks in every rank (<c>HPC_CHECK=1</c>).</summary>
    [Option("check", HelpText = "Enable argument and consistency checks in every rank (HPC_CHECK=1).")]
    public bool Check { get; set; }

    /// <summary>Prints a report of where every rank waits once a call has waited this long (default 120 s, 0: never).</summary>
    [Option("hang-after", MetaValue = "SECONDS",
        HelpText = "Once a rank has waited SECONDS in one call, print the hang report (first divergence, every rank's call, flight recorder) and go on. Default: HPC_HANG_AFTER or 120; 0 turns it off.")]
    public string? HangAfter { get; set; }

    /// <summary>Time every call and print a profile summary at the end (mpiP-like).</summary>
    [Option("profile", HelpText = "Time every Hpc call; at the end print per call kind: count, bytes, time, % of wall time, per-rank min/mean/max, and each rank's communication against compute (HPC_PROFILE=1).")]
    public bool Profile { get; set; }

    /// <summary>Write the profile as JSON to FILE (implies <see cref="Profile"/>).</summary>
    [Option("profile-json", MetaValue = "FILE", HelpText = "Write the profile as JSON to FILE (implies --profile).")]
    public string? ProfileJson { get; set; }

    /// <summary>Write one Chrome trace-event JSON file of the whole job.</summary>
    [Option("trace", MetaValue = "FILE", HelpText = "Write a timeline of every rank's calls to FILE (Chrome trace-event JSON; open it in Perfetto or chrome://tracing) (HPC_TRACE=1).")]
    public string? Trace { get; set; }

    /// <summary>Diagnostic output from the launcher itself.</summary>
    [Option('v', "verbose", HelpText = "Print what the launcher does (connections, spawns, kills) to stderr.")]
    public bool Verbose { get; set; }

    /// <summary>Ranks per host (<c>-N</c>, <c>--npernode</c>): Open MPI's <c>--map-by ppr:N:node</c>.</summary>
    [Option('N', "npernode", MetaValue = "N",
        HelpText = "N ranks on every host (same as --map-by ppr:N:node); default -np: N per host.")]
    public string? PerNode { get; set; }

    /// <summary>How ranks are numbered over the hosts they were mapped to: <c>slot</c> or <c>node</c>.</summary>
    [Option("rank-by", MetaValue = "slot|node",
        HelpText = "slot: consecutive ranks on one host; node: consecutive ranks on different hosts. Default: as --map-by.")]
    public string? RankBy { get; set; }

    /// <summary>What each rank is pinned to: <c>core</c>, <c>socket</c> or <c>none</c>.</summary>
    [Option("bind-to", MetaValue = "core|socket|none",
        HelpText = "Pin each rank of this host to one core or socket, by local rank (sched_setaffinity). Default: core for up to 2 ranks on a host, socket for more, none for more ranks than cores; core or socket with more ranks than units needs --oversubscribe (ranks wrap around).")]
    public string? BindTo { get; set; }

    /// <summary>Print every rank's CPU binding when it starts.</summary>
    [Option("report-bindings", HelpText = "Print each rank's CPU binding on stderr as it starts.")]
    public bool ReportBindings { get; set; }

    /// <summary>Print where every rank runs before starting.</summary>
    [Option("display-map", HelpText = "Print the job map (hosts and their ranks) on stderr before starting.")]
    public bool DisplayMap { get; set; }

    /// <summary>Directory for the ranks' output files (Open MPI's layout <c>DIR/1/rank.N/stdout|stderr</c>).</summary>
    [Option("output-filename", MetaValue = "DIR",
        HelpText = "Write each rank's output to DIR/1/rank.N/stdout and stderr instead of the terminal.")]
    public string? OutputFilename { get; set; }

    /// <summary>A rank's stderr goes where its stdout goes.</summary>
    [Option("merge-stderr-to-stdout", HelpText = "Forward each rank's stderr as its stdout.")]
    public bool MergeStderrToStdout { get; set; }

    /// <summary>A time stamp before every forwarded line.</summary>
    [Option("timestamp-output", HelpText = "Prefix every output line with [UTC time stamp].")]
    public bool TimestampOutput { get; set; }

    /// <summary>Working directory of the ranks (<c>-wdir</c>, <c>--wdir</c>).</summary>
    [Option("wdir", MetaValue = "DIR", HelpText = "Working directory of the ranks (also -wdir, -wd). Default: mpirun's.")]
    public string? Wdir { get; set; }

    /// <summary>Open MPI's other name for <see cref="Wdir"/>.</summary>
    [Option("wd", MetaValue = "DIR", Hidden = true)]
    public string? Wd { get; set; }

    /// <summary>Which ranks read mpirun's stdin: <c>all</c>, <c>none</c> or a rank.</summary>
    [Option("stdin", MetaValue = "all|none|RANK",
        HelpText = "Which ranks read mpirun's standard input; the others see EOF. Default: 0.")]
    public string? Stdin { get; set; }

    /// <summary>Accepted for Open MPI compatibility; Hpc has no reason to refuse root.</summary>
    [Option("allow-run-as-root", HelpText = "Accepted for Open MPI compatibility; has no effect.")]
    public bool AllowRunAsRoot { get; set; }
}
