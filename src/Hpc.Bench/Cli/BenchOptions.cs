namespace Hpc.Bench.Cli;

/// <summary>What hpc-bench was asked to do.</summary>
internal enum Command
{
    /// <summary>Run one benchmark under mpirun and print its table.</summary>
    Benchmark,
    /// <summary>Measure algorithm crossovers under mpirun and write a tuning file.</summary>
    Tune,
    /// <summary>Offline: medians of several result files per runtime, ratio table, plot.</summary>
    Compare,
    /// <summary>The task pool benchmark (Hpc.Tasks) under mpirun: map_empty, submit_empty, map_1mib, uneven.</summary>
    Tasks,
    /// <summary>Hidden: run N CPU-bound threads until stdin closes (what --load and the bench scripts start).</summary>
    Load,
    Help,
}

/// <summary>The parsed command line. Unset numbers (null) mean "the benchmark's default".</summary>
internal sealed record BenchOptions
{
    public Command Command { get; init; } = Command.Benchmark;

    public BenchmarkInfo Benchmark { get; init; } = BenchmarkInfo.Of(BenchmarkKind.Allreduce);

    /// <summary><c>-m</c>; null: 4 B to 64 MiB (ompi_bench), 4 MiB for bw/bibw (OSU), 1 MiB for tune.</summary>
    public SizeRange? Sizes { get; init; }

    /// <summary><c>-i</c>: timed calls for every size.</summary>
    public int? Iterations { get; init; }

    /// <summary><c>-x</c>: warm-up calls for every size.</summary>
    public int? Warmup { get; init; }

    /// <summary><c>-f</c>: min, max and iterations columns.</summary>
    public bool Full { get; init; }

    public Datatype Datatype { get; init; } = Datatype.Float;

    /// <summary><c>--algorithm</c>: concrete names; empty means auto (the library chooses per call).</summary>
    public IReadOnlyList<string> Algorithms { get; init; } = [];

    /// <summary><c>-W</c>: messages in flight per iteration of bw and bibw (OSU's window).</summary>
    public int Window { get; init; } = 64;

    public bool Check { get; init; }

    /// <summary><c>-z</c>: P50/P90/P99 columns in the table (they are always in --json and --csv).</summary>
    public bool TailLatency { get; init; }

    /// <summary><c>--load N</c>: CPU-bound threads run beside the benchmark; for <c>load N</c>, the threads to run.</summary>
    public int Load { get; init; }

    public bool Quiet { get; init; }

    public string? JsonFile { get; init; }

    public string? CsvFile { get; init; }

    public string? PlotFile { get; init; }

    /// <summary><c>--compare</c> (benchmark) or the positional files (compare): other result files.</summary>
    public IReadOnlyList<string> InputFiles { get; init; } = [];

    /// <summary>compare: the runtime the ratios are taken against.</summary>
    public string? Baseline { get; init; }

    /// <summary>tasks: the cases to run (<c>--cases</c>), in order; all of them by default.</summary>
    public IReadOnlyList<string> TaskCases { get; init; } = Tasks.TasksBenchmark.CaseNames;

    /// <summary>tune: the tuning file written (merged with rules for other rank counts already in it).</summary>
    public string TuneOutput { get; init; } = "hpc-tune.txt";

    /// <summary>tune: the collectives swept; empty means every one with more than one algorithm.</summary>
    public IReadOnlyList<BenchmarkInfo> TuneCollectives { get; init; } = [];

    /// <summary>
    /// Test hook, not reachable from the command line: returns true for the (rank, iteration)
    /// whose result is overwritten after the call, so tests can prove --check catches it.
    /// </summary>
    internal Func<int, int, bool>? CorruptResult { get; init; }

    public SizeRange EffectiveSizes => Sizes ?? (Command == Command.Tune
        ? new SizeRange(SizeRange.DefaultMin, 1 << 20)
        : Benchmark.Kind is BenchmarkKind.Bw or BenchmarkKind.Bibw
            ? new SizeRange(SizeRange.DefaultMin, 4 << 20)
            : SizeRange.Default);

    public int IterationsFor(long bytes) =>
        Iterations ?? (Command == Command.Tune ? IterationPolicy.Tune(bytes) : IterationPolicy.Iterations(Benchmark.Kind, bytes));

    public int WarmupFor(long bytes) => Warmup ?? IterationPolicy.Warmup(Benchmark.Kind, bytes);
}
