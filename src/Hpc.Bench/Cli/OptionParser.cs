using System.Reflection;
using CommandLine;

namespace Hpc.Bench.Cli;

/// <summary>
/// Reads hpc-bench's command line: the benchmark (or <c>tune</c>, <c>compare</c>, <c>load</c>)
/// first, then OSU's short options (<c>-m -i -x -f -z -T -W -c</c>) and long ones, bound by
/// CommandLineParser into <see cref="BenchArguments"/>. Before binding, each argument is matched
/// against that class's attributes, so an unknown option or a missing value gets a message
/// naming it as typed, and a value that starts with '-' (<c>-x -1</c>) stays a value; both
/// <c>-m 4:4096</c> and <c>--json=out.json</c> work. Every error is one line naming the input
/// and its valid values (exit 2).
/// </summary>
internal static class OptionParser
{
    /// <summary>Put before every value handed to CommandLineParser, so none looks like an option to its tokenizer.</summary>
    private const char ValueMarker = '=';

    private sealed record OptionSpec(char? Short, string Long, bool TakesValue);

    private static readonly IReadOnlyList<OptionSpec> s_options =
    [
        .. typeof(BenchArguments).GetProperties()
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => new OptionSpec(
                x.Attribute!.ShortName.Length == 1 ? x.Attribute.ShortName[0] : null,
                x.Attribute.LongName,
                x.Property.PropertyType != typeof(bool))),
    ];

    /// <exception cref="UsageException">The command line is wrong; the message says which part.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
            throw new UsageException($"no benchmark given; one of: {BenchmarkInfo.Names}, tasks, tune, compare (see --help)");
        string first = args[0];
        if (first is "-h" or "--help" or "help")
            return new BenchOptions { Command = Command.Help };

        if (first == "tasks")
            return ParseTasks(args.Skip(1).ToList());

        BenchOptions options;
        if (first == "tune")
            options = new BenchOptions { Command = Command.Tune };
        else if (first == "compare")
            options = new BenchOptions { Command = Command.Compare };
        else if (first == LoadCommandName)
            options = new BenchOptions { Command = Command.Load };
        else if (BenchmarkInfo.Find(first) is { } benchmark)
            options = new BenchOptions { Benchmark = benchmark };
        else if (first.StartsWith('-'))
            throw new UsageException($"the benchmark comes first, before '{first}'; one of: {BenchmarkInfo.Names}, tasks, tune, compare");
        else
            throw new UsageException($"unknown benchmark '{first}'; one of: {BenchmarkInfo.Names}, tasks, tune, compare");

        (List<string> tokens, Dictionary<string, string> spelled, bool help) = Tokenize(args.Skip(1).ToList(), options.Command);
        if (help)
            return new BenchOptions { Command = Command.Help };

        BenchArguments bound = Bind(tokens);
        return Validate(options, bound, name => spelled.TryGetValue(name, out string? s) ? s : "--" + name);
    }

    /// <summary><c>tasks [--cases LIST]</c>: the task pool cases; no other option applies to them.</summary>
    private static BenchOptions ParseTasks(List<string> args)
    {
        IReadOnlyList<string> cases = Tasks.TasksBenchmark.CaseNames;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help")
                return new BenchOptions { Command = Command.Help };
            string? value = arg.StartsWith("--cases=", StringComparison.Ordinal) ? arg["--cases=".Length..]
                : arg == "--cases" && i + 1 < args.Count ? args[++i]
                : throw new UsageException($"tasks: unknown argument '{arg}'; tasks takes only --cases LIST (of {string.Join(",", Tasks.TasksBenchmark.CaseNames)})");
            string[] names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0)
                throw new UsageException($"tasks: --cases needs a list of {string.Join(",", Tasks.TasksBenchmark.CaseNames)}");
            foreach (string name in names)
            {
                if (!Tasks.TasksBenchmark.CaseNames.Contains(name))
                    throw new UsageException($"tasks: unknown case '{name}' in --cases; valid: {string.Join(",", Tasks.TasksBenchmark.CaseNames)}");
            }
            cases = names;
        }
        return new BenchOptions { Command = Command.Tasks, TaskCases = cases };
    }

    /// <summary>The hidden command that runs the CPU-bound load (<c>hpc-bench load N</c>); see <see cref="Run.LoadGenerator"/>.</summary>
    public const string LoadCommandName = "load";

    /// <summary>The options part of --help, built by CommandLineParser from <see cref="BenchArguments"/>.</summary>
    public static string OptionsHelp()
    {
        using var parser = new Parser(s => s.HelpWriter = null);
        ParserResult<BenchArguments> result = parser.ParseArguments<BenchArguments>(["--help"]);
        var help = CommandLine.Text.HelpText.AutoBuild(result, h =>
        {
            h.Heading = "";
            h.Copyright = "";
            h.AddDashesToOption = true;
            h.AdditionalNewLineAfterOption = false;
            h.MaximumDisplayWidth = 110;
            h.AutoVersion = false;
            return h;
        }, e => e);
        return help.ToString().Trim('\n', '\r');
    }

    /// <summary>
    /// Turns the arguments into CommandLineParser's safest form (<c>--long=VALUE</c> with the value
    /// shielded, flags as <c>--long</c>, positionals after <c>--</c>) and remembers how each option was spelled.
    /// </summary>
    private static (List<string> Tokens, Dictionary<string, string> Spelled, bool Help) Tokenize(List<string> args, Command command)
    {
        var tokens = new List<string>();
        var positionals = new List<string>();
        var spelled = new Dictionary<string, string>();
        bool onlyPositionals = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (onlyPositionals || arg is "-" || !arg.StartsWith('-'))
            {
                if (command is not (Command.Compare or Command.Load))
                    throw new UsageException($"unexpected argument '{arg}' (see --help)");
                positionals.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                onlyPositionals = true;
                continue;
            }
            if (arg is "-h" or "--help")
                return ([], spelled, true);

            string name = arg;
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is > 2 and int eq)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }
            OptionSpec option = Find(name) ?? throw new UsageException($"unknown option '{arg}' (see --help)");
            spelled[option.Long] = name;
            if (!option.TakesValue)
            {
                if (inline is not null)
                    throw new UsageException($"{name} takes no value (got '{inline}')");
                tokens.Add("--" + option.Long);
                continue;
            }
            string value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value"));
            tokens.Add($"--{option.Long}={ValueMarker}{value}");
        }
        if (positionals.Count > 0)
            tokens.AddRange(["--", .. positionals]);
        return (tokens, spelled, false);
    }

    private static OptionSpec? Find(string name) =>
        name.StartsWith("--", StringComparison.Ordinal)
            ? s_options.FirstOrDefault(o => o.Long == name[2..])
            : name.Length == 2 ? s_options.FirstOrDefault(o => o.Short == name[1]) : null;

    private static BenchArguments Bind(List<string> tokens)
    {
        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = null;
            settings.AutoHelp = false;
            settings.AutoVersion = false;
            settings.CaseSensitive = true;
            settings.EnableDashDash = true;
            // A repeated option takes its last value, as getopt-based tools (OSU) do; --compare collects.
            settings.AllowMultiInstance = true;
        });
        ParserResult<BenchArguments> result = parser.ParseArguments<BenchArguments>(tokens);
        if (result is NotParsed<BenchArguments> notParsed)
        {
            // Tokenize has already rejected every malformed input it can name; this is a safety net.
            throw new UsageException($"invalid command line ({string.Join(", ", notParsed.Errors.Select(e => e.Tag))}); see --help");
        }
        return ((Parsed<BenchArguments>)result).Value;
    }

    private static string? Unshield(string? bound) => bound is { Length: > 0 } && bound[0] == ValueMarker ? bound[1..] : bound;

    private static BenchOptions Validate(BenchOptions options, BenchArguments a, Func<string, string> spelled)
    {
        if (Unshield(a.MessageSize) is { } sizes)
            options = options with { Sizes = SizeRange.Parse(sizes, spelled("message-size")) };
        if (Unshield(a.Iterations) is { } iterations)
            options = options with { Iterations = Positive(spelled("iterations"), iterations) };
        if (Unshield(a.Warmup) is { } warmup)
            options = options with { Warmup = NonNegative(spelled("warmup"), warmup) };
        if (Unshield(a.Window) is { } window)
            options = options with { Window = Positive(spelled("window"), window) };
        if (Unshield(a.Load) is { } load)
            options = options with { Load = NonNegative(spelled("load"), load) };
        if (Unshield(a.Type) is { } type)
        {
            options = options with
            {
                Datatype = Datatype.Find(type) ?? throw new UsageException($"{spelled("type")} '{type}': unknown datatype; one of: {Datatype.Names}"),
            };
        }
        if (Unshield(a.Plot) is { } plot)
        {
            if (!Output.PlotFormats.IsSupported(plot))
                throw new UsageException($"{spelled("plot")} '{plot}': the plot is written as SVG or PNG; name the file *.svg or *.png");
            options = options with { PlotFile = plot };
        }
        options = options with
        {
            Full = a.Full,
            TailLatency = a.TailLatency,
            Check = a.Check,
            Quiet = a.Quiet,
            JsonFile = Unshield(a.Json),
            CsvFile = Unshield(a.Csv),
            Baseline = Unshield(a.Baseline),
            TuneOutput = Unshield(a.Output) ?? options.TuneOutput,
        };

        List<string> files = [.. a.Files];
        if (options.Command == Command.Load)
        {
            if (files.Count != 1)
                throw new UsageException("load needs one number: the CPU-bound threads to run (hpc-bench load N)");
            options = options with { Load = Positive("load", files[0]) };
            files = [];
        }
        options = options with { InputFiles = [.. a.Compare.Select(f => Unshield(f)!), .. files] };
        if (Unshield(a.Algorithm) is { } algorithm)
            options = options with { Algorithms = ParseAlgorithms(options, spelled("algorithm"), algorithm) };
        if (Unshield(a.Collectives) is { } collectives)
            options = options with { TuneCollectives = ParseCollectives(spelled("collectives"), collectives) };
        Check(options);
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
            if (info is null || !Tunable.Contains(info))
                throw new UsageException($"{option} '{raw}': not a collective with several algorithms and sizes to tune; valid: {string.Join(", ", Tunable.Select(b => b.Name))}");
            chosen.Add(info);
        }
        return chosen;
    }

    /// <summary>The collectives <c>tune</c> sweeps by default: those with a choice to make by size (barrier has no size).</summary>
    public static IReadOnlyList<BenchmarkInfo> Tunable => [.. BenchmarkInfo.All.Where(b => b.AlgorithmNames.Count > 1 && b.HasSizes)];

    private static void Check(BenchOptions options)
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
