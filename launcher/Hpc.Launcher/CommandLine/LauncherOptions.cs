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

    /// <summary>Placement policy over the hosts: <c>slot</c> (default) or <c>node</c>.</summary>
    [Option("map-by", MetaValue = "slot|node",
        HelpText = "slot: fill each host's slots before the next host (default); node: one rank per host in turn.")]
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

    /// <summary>Diagnostic output from the launcher itself.</summary>
    [Option('v', "verbose", HelpText = "Print what the launcher does (connections, spawns, kills) to stderr.")]
    public bool Verbose { get; set; }
}
