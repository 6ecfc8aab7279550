using CommandLine;

namespace Hpc.Bench.Cli;

/// <summary>
/// hpc-bench's options after the benchmark name, bound by CommandLineParser (the library mpirun
/// uses). This class is the one list of options: <see cref="OptionParser"/> reads these
/// attributes to know which options exist and which take a value, and <c>--help</c> lists them
/// from the same attributes. Values are kept as text and validated by <see cref="OptionParser"/>,
/// whose messages name the option as typed and the valid values.
/// </summary>
/// <remarks>Public only because CommandLineParser binds through reflection.</remarks>
public sealed class BenchArguments
{
    /// <summary><c>-m [MIN:]MAX</c>.</summary>
    [Option('m', "message-size", MetaValue = "[MIN:]MAX",
        HelpText = "Sizes from MIN (default 4) to MAX bytes by factors of 4; K/M/G suffixes allowed (default 4:64M; bw/bibw 4:4M; tune 4:1M).")]
    public string? MessageSize { get; set; }

    /// <summary><c>-i N</c>.</summary>
    [Option('i', "iterations", MetaValue = "N",
        HelpText = "Timed calls per size (default 2000 up to 8 KiB, 200 up to 1 MiB, 20 above; barrier 20000; bw/bibw 100 / 20).")]
    public string? Iterations { get; set; }

    /// <summary><c>-x N</c>.</summary>
    [Option('x', "warmup", MetaValue = "N",
        HelpText = "Untimed calls before each size (default 5; latency 10; barrier 1000); before the first size, warm-up runs until the times settle. -x 0 skips both.")]
    public string? Warmup { get; set; }

    /// <summary><c>-f</c>.</summary>
    [Option('f', "full", HelpText = "Also min and max over ranks, and iterations.")]
    public bool Full { get; set; }

    /// <summary><c>-z</c>.</summary>
    [Option('z', "tail-latency", HelpText = "P50, P90 and P99 of the per-iteration times in the table (OSU 7.3's -z; always in --json and --csv).")]
    public bool TailLatency { get; set; }

    /// <summary><c>-T TYPE</c>.</summary>
    [Option('T', "type", MetaValue = "TYPE", HelpText = "Element type: char, short, int, long, float, double (default float).")]
    public string? Type { get; set; }

    /// <summary><c>-W N</c>.</summary>
    [Option('W', "window", MetaValue = "N", HelpText = "bw/bibw: messages in flight per iteration (default 64).")]
    public string? Window { get; set; }

    /// <summary><c>-a NAME[,NAME]</c>.</summary>
    [Option('a', "algorithm", MetaValue = "NAME[,NAME]",
        HelpText = "Collective algorithm(s); 'all' for every one (one table block each), 'auto' (default) to let the library choose per size.")]
    public string? Algorithm { get; set; }

    /// <summary><c>-c</c>.</summary>
    [Option('c', "check", HelpText = "Verify every result against the expected values (times each call separately; exit 1 on a wrong result).")]
    public bool Check { get; set; }

    /// <summary><c>--load N</c>.</summary>
    [Option("load", MetaValue = "N",
        HelpText = "Run N CPU-bound threads in a separate process beside the benchmark for its duration (started by rank 0, always stopped), to measure with busy cores.")]
    public string? Load { get; set; }

    /// <summary><c>-q</c>.</summary>
    [Option('q', "quiet", HelpText = "No progress on stderr.")]
    public bool Quiet { get; set; }

    /// <summary><c>--json FILE</c>.</summary>
    [Option("json", MetaValue = "FILE", HelpText = "Also write the results as JSON.")]
    public string? Json { get; set; }

    /// <summary><c>--csv FILE</c>.</summary>
    [Option("csv", MetaValue = "FILE", HelpText = "Also write the results as CSV.")]
    public string? Csv { get; set; }

    /// <summary><c>--plot FILE.svg|FILE.png</c>.</summary>
    [Option("plot", MetaValue = "FILE.svg|FILE.png", HelpText = "Plot latency and bandwidth against size, with min-max bands (SVG or PNG by the name).")]
    public string? Plot { get; set; }

    /// <summary><c>--compare FILE</c>, repeatable.</summary>
    [Option("compare", MetaValue = "FILE",
        HelpText = "Another run to draw in the plot (hpc-bench .json/.csv or an ompi_bench table); repeatable.")]
    public IEnumerable<string> Compare { get; set; } = [];

    /// <summary><c>--baseline NAME</c>.</summary>
    [Option("baseline", MetaValue = "NAME", HelpText = "compare: the series ratios are taken against (default Open MPI).")]
    public string? Baseline { get; set; }

    /// <summary><c>-o FILE</c>.</summary>
    [Option('o', "output", MetaValue = "FILE", HelpText = "tune: the tuning file written (default hpc-tune.txt; rules for other rank counts are kept).")]
    public string? Output { get; set; }

    /// <summary><c>--collectives LIST</c>.</summary>
    [Option("collectives", MetaValue = "LIST", HelpText = "tune: the collectives swept (default: every one with more than one algorithm).")]
    public string? Collectives { get; set; }

    /// <summary>Positional arguments: compare's result files, load's thread count.</summary>
    [Value(0, MetaName = "FILE", HelpText = "compare: result files (hpc-bench .json/.csv or ompi_bench tables).")]
    public IEnumerable<string> Files { get; set; } = [];
}
