using System.Globalization;
using Hpc.Bench.Model;

namespace Hpc.Bench.Cli;

/// <summary>
/// Reads hpc-bench's command line: OSU's short options (<c>-m -i -x -f -T -W -c</c>) plus long
/// ones. Hand-written rather than a library so every error names the option and the input
/// exactly, and so <c>-m 4:4096</c> and <c>--json=out.json</c> both work.
/// </summary>
internal static class OptionParser
{
    /// <exception cref="UsageException">The command line is wrong; the message says which part.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
            throw new UsageException($"no benchmark given; one of: {BenchmarkInfo.Names}, tune, compare (see --help)");
        string first = args[0];
        if (first is "-h" or "--help" or "help")
            return new BenchOptions { Command = Command.Help };

        BenchOptions options;
        if (first == "tune")
            options = new BenchOptions { Command = Command.Tune };
        else if (first == "compare")
            options = new BenchOptions { Command = Command.Compare };
        else if (BenchmarkInfo.Find(first) is { } benchmark)
            options = new BenchOptions { Benchmark = benchmark };
        else if (first.StartsWith('-'))
            throw new UsageException($"the benchmark comes first, before '{first}'; one of: {BenchmarkInfo.Names}, tune, compare");
        else
            throw new UsageException($"unknown benchmark '{first}'; one of: {BenchmarkInfo.Names}, tune, compare");

        var inputs = new List<string>();
        (string Option, string Text)? algorithm = null;
        (string Option, string Text)? collectives = null;
        for (int i = 1; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg;
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is > 2 and int eq)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }

            string Value()
            {
                if (inline is not null)
                    return inline;
                if (i + 1 >= args.Count)
                    throw new UsageException($"{name} needs a value");
                return args[++i];
            }

            switch (name)
            {
                case "-h" or "--help":
                    return new BenchOptions { Command = Command.Help };
                case "-m" or "--message-size":
                    options = options with { Sizes = SizeRange.Parse(Value(), name) };
                    break;
                case "-i" or "--iterations":
                    options = options with { Iterations = Positive(name, Value()) };
                    break;
                case "-x" or "--warmup":
                    options = options with { Warmup = NonNegative(name, Value()) };
                    break;
                case "-W" or "--window":
                    options = options with { Window = Positive(name, Value()) };
                    break;
                case "-f" or "--full":
                    options = options with { Full = true };
                    break;
                case "-c" or "--check":
                    options = options with { Check = true };
                    break;
                case "-q" or "--quiet":
                    options = options with { Quiet = true };
                    break;
                case "-T" or "--type":
                    string type = Value();
                    options = options with
                    {
                        Datatype = Datatype.Find(type) ?? throw new UsageException($"{name} '{type}': unknown datatype; one of: {Datatype.Names}"),
                    };
                    break;
                case "-a" or "--algorithm":
                    algorithm = (name, Value());
                    break;
                case "--json":
                    options = options with { JsonFile = Value() };
                    break;
                case "--csv":
                    options = options with { CsvFile = Value() };
                    break;
                case "--plot":
                    string plot = Value();
                    if (!plot.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
                        throw new UsageException($"{name} '{plot}': the plot is written as SVG; name the file *.svg");
                    options = options with { PlotFile = plot };
                    break;
                case "--compare":
                    inputs.Add(Value());
                    break;
                case "--baseline":
                    options = options with { Baseline = Value() };
                    break;
                case "-o" or "--output":
                    options = options with { TuneOutput = Value() };
                    break;
                case "--collectives":
                    collectives = (name, Value());
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                        throw new UsageException($"unknown option '{arg}' (see --help)");
                    if (options.Command != Command.Compare)
                        throw new UsageException($"unexpected argument '{arg}' (see --help)");
                    inputs.Add(arg);
                    break;
            }
        }

        options = options with { InputFiles = inputs };
        if (algorithm is { } a)
            options = options with { Algorithms = ParseAlgorithms(options, a.Option, a.Text) };
        if (collectives is { } c)
            options = options with { TuneCollectives = ParseCollectives(c.Option, c.Text) };
        Validate(options);
        return options;
    }

    private static IReadOnlyList<string> ParseAlgorithms(BenchOptions options, string option, string text)
    {
        BenchmarkInfo benchmark = options.Benchmark;
        if (options.Command != Command.Benchmark)
            throw new UsageException($"{option} applies to a benchmark run, not to '{options.Command.ToString().ToLowerInvariant()}'");
        IReadOnlyList<string> valid = benchmark.AlgorithmNames;
        if (valid.Count == 0)
            throw new UsageException(benchmark.IsPointToPoint
                ? $"{option} '{text}': {benchmark.Name} is point-to-point and has no algorithms"
                : $"{option} '{text}': {benchmark.Name} has no algorithm to choose per call");
        string key = text.Trim().ToLowerInvariant();
        if (key == "auto")
            return [];
        if (key == "all")
            return valid;
        var chosen = new List<string>();
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string name = raw.ToLowerInvariant().Replace('-', '_');
            if (!valid.Contains(name))
                throw new UsageException($"{option} '{raw}': unknown {benchmark.Name} algorithm; valid: {string.Join(", ", valid)}, all, auto");
            if (!chosen.Contains(name))
                chosen.Add(name);
        }
        if (chosen.Count == 0)
            throw new UsageException($"{option} needs an algorithm name; valid: {string.Join(", ", valid)}, all, auto");
        return chosen;
    }

    private static IReadOnlyList<BenchmarkInfo> ParseCollectives(string option, string text)
    {
        var chosen = new List<BenchmarkInfo>();
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            BenchmarkInfo? info = BenchmarkInfo.Find(raw);
            if (info is null || info.AlgorithmNames.Count < 2)
                throw new UsageException($"{option} '{raw}': not a collective with several algorithms; valid: {string.Join(", ", Tunable.Select(b => b.Name))}");
            chosen.Add(info);
        }
        return chosen;
    }

    /// <summary>The collectives <c>tune</c> sweeps by default: those with a choice to make.</summary>
    public static IReadOnlyList<BenchmarkInfo> Tunable => [.. BenchmarkInfo.All.Where(b => b.AlgorithmNames.Count > 1)];

    private static void Validate(BenchOptions options)
    {
        if (options.Command == Command.Compare && options.InputFiles.Count == 0)
            throw new UsageException("compare needs result files (hpc-bench --json/--csv output or ompi_bench tables)");
        if (options.Command == Command.Benchmark && options.Benchmark.Kind == BenchmarkKind.Barrier && options.Sizes is not null)
            throw new UsageException("-m: barrier has no message size");
        if (options.Sizes is { } sizes && sizes.Min < options.Datatype.Size && sizes.Max < options.Datatype.Size)
            throw new UsageException($"-m {sizes}: no size holds one {options.Datatype.Name} ({options.Datatype.Size} bytes)");
    }

    private static int Positive(string option, string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            throw new UsageException($"{option} '{text}': expected a positive whole number");
        return value;
    }

    private static int NonNegative(string option, string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            throw new UsageException($"{option} '{text}': expected a whole number (0 or more)");
        return value;
    }
}
