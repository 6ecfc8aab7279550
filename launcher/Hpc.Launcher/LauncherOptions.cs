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

    /// <summary>Accepted for Open MPI compatibility; ranks are never bound to cores, so it changes nothing.</summary>
    [Option("oversubscribe", HelpText = "Allow more ranks than cores (accepted for compatibility; always allowed).")]
    public bool Oversubscribe { get; set; }

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
