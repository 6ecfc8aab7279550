using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using CommandLine;
using CommandLine.Text;
using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>What the command line asks the launcher to do.</summary>
internal abstract record CommandLineOutcome;

/// <summary>Print <paramref name="Text"/> to stdout and exit 0 (<c>--help</c>, <c>--version</c>).</summary>
internal sealed record ShowText(string Text) : CommandLineOutcome;

/// <summary>Run <paramref name="Spec"/>, after printing <paramref name="Warnings"/> to stderr.</summary>
internal sealed record RunJob(JobSpec Spec, IReadOnlyList<string> Warnings) : CommandLineOutcome;

/// <summary>
/// Turns argv into a <see cref="CommandLineOutcome"/>: splits at the program
/// (<see cref="ArgvSplitter"/>), binds the launcher options with CommandLineParser, then
/// validates every value with an error that names the input.
/// </summary>
internal static partial class CommandLineParsing
{
    /// <summary>Variable telling ranks to enable the library's checks.</summary>
    public const string CheckVariable = "HPC_CHECK";
    /// <summary>Variable selecting the transport between ranks on one host.</summary>
    public const string TransportVariable = "HPC_TRANSPORT";
    /// <summary>Variable naming the interface for connections between hosts, when <c>--iface</c> is not given.</summary>
    public const string IfaceVariable = "HPC_IFACE";

    private const string Usage = "dotnet mpirun -np N PROGRAM [ARGS...]";

    /// <summary>
    /// Parses <paramref name="argv"/>; <paramref name="lookup"/> reads the launcher's environment
    /// (for <c>-x VAR</c>) so tests can supply their own.
    /// </summary>
    /// <exception cref="UsageException">The command line is wrong; the message names the input.</exception>
    public static CommandLineOutcome Parse(IReadOnlyList<string> argv, Func<string, string?> lookup)
    {
        // Open MPI's MPMD syntax: `-np 1 a : -np 3 b` runs two programs in one job, ranks numbered
        // in order. A ':' is a separator wherever it stands, as in Open MPI.
        List<List<string>> contexts = [[]];
        foreach (string token in argv)
        {
            if (token == ":")
                contexts.Add([]);
            else
                contexts[^1].Add(token);
        }

        (LauncherOptions? options, SplitArguments split, ShowText? show) = Bind(contexts[0]);
        if (show is not null)
            return show;
        var apps = new List<(LauncherOptions Options, SplitArguments Split)> { (options!, split) };
        for (int i = 1; i < contexts.Count; i++)
        {
            (LauncherOptions? more, SplitArguments moreSplit, ShowText? moreShow) = Bind(contexts[i]);
            if (moreShow is not null)
                return moreShow;
            foreach (string token in moreSplit.LauncherArgs)
            {
                if (!token.StartsWith('-'))
                    continue; // the shielded value of a short option
                string name = token.Split('=')[0];
                if (name is not ("--np" or "-x" or "--wdir" or "--wd"))
                    throw new UsageException($"option '{name}' applies to the whole job: give it before the first program (MPMD program {i + 1})");
            }
            apps.Add((more!, moreSplit));
        }
        return Validate(apps, lookup);
    }

    /// <summary>Binds one app context's launcher options with CommandLineParser.</summary>
    private static (LauncherOptions? Options, SplitArguments Split, ShowText? Show) Bind(IReadOnlyList<string> argv)
    {
        SplitArguments split = ArgvSplitter.Split(argv);

        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = null;
            settings.AllowMultiInstance = true;
            settings.CaseSensitive = true;
            settings.AutoHelp = true;
            settings.AutoVersion = true;
        });
        // CommandLineParser recognises --help and --version only as the first argument; Open MPI
        // honours them anywhere among the launcher's options.
        IReadOnlyList<string> launcherArgs = split.LauncherArgs;
        if (launcherArgs.Contains("--help"))
            launcherArgs = ["--help"];
        else if (launcherArgs.Contains("--version"))
            launcherArgs = ["--version"];
        ParserResult<LauncherOptions> result = parser.ParseArguments<LauncherOptions>(launcherArgs);
        if (result is NotParsed<LauncherOptions> notParsed)
        {
            Error[] errors = [.. notParsed.Errors];
            if (errors.Any(e => e.Tag == ErrorType.HelpRequestedError))
                return (null, split, new ShowText(HelpText(result)));
            if (errors.Any(e => e.Tag == ErrorType.VersionRequestedError))
                return (null, split, new ShowText(VersionText()));
            throw new UsageException(Describe(errors[0]));
        }

        LauncherOptions options = ((Parsed<LauncherOptions>)result).Value;
        // Every value was shielded by ArgvSplitter; take the marker off each string option.
        foreach (System.Reflection.PropertyInfo property in typeof(LauncherOptions).GetProperties())
        {
            if (property.PropertyType == typeof(string) && property.GetValue(options) is string text)
                property.SetValue(options, ArgvSplitter.Unshield(text));
            else if (property.PropertyType == typeof(IEnumerable<string>) && property.GetValue(options) is IEnumerable<string> list)
                property.SetValue(options, list.Select(ArgvSplitter.Unshield).ToArray());
        }
        return (options, split, null);
    }

    /// <summary>The one-line message for a malformed <c>-x</c> argument.</summary>
    public static string MalformedExport(string argument) =>
        $"malformed -x '{argument}': expected VAR or VAR=value";

    /// <summary><c>mpirun (Hpc.Launcher) 0.1.0</c>, without any source-revision suffix.</summary>
    public static string VersionText() => $"mpirun (Hpc.Launcher) {Version}";

    /// <summary>The launcher's version, e.g. <c>0.1.0</c>.</summary>
    public static string Version
    {
        get
        {
            string? informational = typeof(CommandLineParsing).Assembly
                .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            string version = informational ?? typeof(CommandLineParsing).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            int plus = version.IndexOf('+');
            return plus < 0 ? version : version[..plus];
        }
    }

    private static RunJob Validate(List<(LauncherOptions Options, SplitArguments Split)> contexts, Func<string, string?> lookup)
    {
        (LauncherOptions options, SplitArguments split) = contexts[0];
        var warnings = new List<string>();
        var environment = new List<KeyValuePair<string, string>>();

        (IReadOnlyList<HostSlots>? hosts, int? allocatedTasks, bool inSlurm) = ReadHosts(options, lookup);

        (MapBy mapBy, PerHostLimit? perHost) = OptionValues.ParseMapBy(options);
        RankBy? rankBy = options.RankBy?.ToLowerInvariant() switch
        {
            null => null,
            "slot" => RankBy.Slot,
            "node" => RankBy.Node,
            _ => throw new UsageException($"--rank-by must be slot or node (got '{options.RankBy}')"),
        };

        int ranks = perHost?.Total(hosts?.Count ?? 1) ?? allocatedTasks
            ?? (hosts is null ? Environment.ProcessorCount : (int)Math.Min(int.MaxValue, hosts.Sum(h => (long)h.Slots)));
        if (options.Np is not null)
            ranks = OptionValues.ParseRanks(options.Np);

        LaunchAgent agent = options.LaunchAgent is not null ? LaunchAgent.Parse(options.LaunchAgent)
            : inSlurm && FindOnPath("srun", lookup) is { } srun ? LaunchAgent.Srun(srun)
            : LaunchAgent.Ssh;

        string? iface = options.Iface ?? (lookup(IfaceVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null);

        environment.AddRange(Exports(options, lookup, warnings));

        TimeSpan? timeout = null;
        if (options.Timeout is not null)
        {
            if (!double.TryParse(options.Timeout, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
                || !double.IsFinite(seconds) || seconds <= 0 || seconds > int.MaxValue / 1000.0)
                throw new UsageException($"--timeout expects a positive number of seconds (got '{options.Timeout}')");
            timeout = TimeSpan.FromSeconds(seconds);
        }

        if (options.Coll is not null)
        {
            if (string.IsNullOrWhiteSpace(options.Coll))
                throw new UsageException($"--coll expects a SPEC such as allreduce=ring (got '{options.Coll}')");
            environment.Add(new(JobEnvironment.CollectiveOverridesVariable, options.Coll));
        }

        if (options.Tune is not null)
        {
            string path = Path.GetFullPath(options.Tune);
            if (!File.Exists(path))
                throw new UsageException($"tuning file '{options.Tune}' not found");
            environment.Add(new(JobEnvironment.TuningFileVariable, path));
        }

        if (options.Transport is not null)
        {
            string transport = options.Transport.ToLowerInvariant();
            if (transport is not ("shm" or "tcp" or "auto"))
                throw new UsageException($"--transport must be shm, tcp or auto (got '{options.Transport}')");
            environment.Add(new(TransportVariable, transport));
        }

        if (options.Check)
            environment.Add(new(CheckVariable, "1"));

        DiagnosticsOptions diagnostics = OptionValues.ParseDiagnostics(options, lookup);
        if (diagnostics.Profile)
            environment.Add(new(RuntimeOptions.ProfileVariable, "1"));
        if (diagnostics.TraceFile is not null)
            environment.Add(new(RuntimeOptions.TraceVariable, "1"));

        if (split.Program is null)
            throw new UsageException($"no program given (usage: {Usage})");

        var apps = new List<JobProgram>();
        if (contexts.Count == 1)
        {
            apps.Add(new JobProgram(split.Program, split.ProgramArgs, ranks, 0, [], OptionValues.WorkingDirectory(options)));
        }
        else
        {
            int first = 0;
            for (int i = 0; i < contexts.Count; i++)
            {
                (LauncherOptions context, SplitArguments contextSplit) = contexts[i];
                if (contextSplit.Program is null)
                    throw new UsageException($"no program given after ':' (MPMD program {i + 1})");
                if (context.Np is null)
                    throw new UsageException($"every program of an MPMD command line needs its -np (MPMD program {i + 1}, '{contextSplit.Program}')");
                int count = OptionValues.ParseRanks(context.Np);
                // The first context's -x are the whole job's; a later context's -x only its own.
                IReadOnlyList<KeyValuePair<string, string>> own = i == 0 ? [] : Exports(context, lookup, warnings);
                apps.Add(new JobProgram(contextSplit.Program, contextSplit.ProgramArgs, count, first, own,
                    OptionValues.WorkingDirectory(context) ?? OptionValues.WorkingDirectory(options)));
                first += count;
            }
            ranks = first;
        }

        Placement? placement = null;
        if (hosts is not null)
            placement = Placement.Compute(hosts, ranks, mapBy, options.Oversubscribe, perHost, rankBy);
        else
            perHost?.Check(ranks, 1);

        var output = new OutputOptions(options.TagOutput, options.TimestampOutput, options.MergeStderrToStdout,
            options.OutputFilename is null ? null : Path.GetFullPath(options.OutputFilename));

        var spec = new JobSpec(apps, environment, output, timeout, options.Timeout, options.Verbose, placement, agent, iface,
            OptionValues.ParseStdin(options.Stdin, ranks), OptionValues.ParseBinding(options), options.DisplayMap, options.Oversubscribe, diagnostics);
        return new RunJob(spec, warnings);
    }

    /// <summary>The <c>-x</c> variables of one context, in order; a bare name copies mpirun's value.</summary>
    private static List<KeyValuePair<string, string>> Exports(LauncherOptions options, Func<string, string?> lookup, List<string> warnings)
    {
        var exports = new List<KeyValuePair<string, string>>();
        foreach (string export in options.Exports)
        {
            Match match = ExportPattern().Match(export);
            if (!match.Success)
                throw new UsageException(MalformedExport(export));
            string name = match.Groups["name"].Value;
            if (match.Groups["value"].Success)
            {
                exports.Add(new(name, match.Groups["value"].Value));
            }
            else if (lookup(name) is { } inherited)
            {
                exports.Add(new(name, inherited));
            }
            else
            {
                // Open MPI also goes on: the rank simply does not see the variable.
                warnings.Add($"warning: -x {name}: {name} is not set in mpirun's environment; not exported");
            }
        }
        return exports;
    }

    /// <summary>
    /// The hosts of the job: a hostfile, <c>-H</c>, or else the Slurm allocation mpirun runs in;
    /// null hosts when none applies (every rank runs here).
    /// </summary>
    private static (IReadOnlyList<HostSlots>? Hosts, int? Tasks, bool InSlurm) ReadHosts(LauncherOptions options, Func<string, string?> lookup)
    {
        if (options.Hostfile is not null && options.Machinefile is not null)
            throw new UsageException("give --hostfile or --machinefile, not both");
        string? hostfile = options.Hostfile ?? options.Machinefile;
        string[] hostList = [.. options.HostList];
        if (hostfile is not null && hostList.Length > 0)
            throw new UsageException("give --hostfile or -H, not both");
        if (hostfile is not null)
            return (HostfileParser.Load(hostfile), null, false);
        if (hostList.Length > 0)
            return (HostListParser.Parse(hostList), null, false);
        if (SlurmAllocation.Read(lookup) is { } allocation)
            return (allocation.Hosts, allocation.Tasks, true);
        return (null, null, false);
    }

    /// <summary>First executable file named <paramref name="name"/> on the PATH that <paramref name="lookup"/> returns.</summary>
    private static string? FindOnPath(string name, Func<string, string?> lookup)
    {
        foreach (string directory in (lookup("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static string Describe(Error error) => error switch
    {
        UnknownOptionError unknown => $"unknown option '{(unknown.Token.Length == 1 ? "-" : "--")}{unknown.Token}'",
        MissingValueOptionError missing => $"option '{Spell(missing.NameInfo)}' needs a value",
        BadFormatConversionError bad => $"bad value for option '{Spell(bad.NameInfo)}'",
        NamedError named => $"invalid use of option '{Spell(named.NameInfo)}'",
        _ => $"invalid command line ({error.Tag}); see --help",
    };

    private static string Spell(NameInfo name) =>
        name.LongName.Length > 0 ? "--" + name.LongName : "-" + name.ShortName;

    private static string HelpText(ParserResult<LauncherOptions> result)
    {
        HelpText help = CommandLine.Text.HelpText.AutoBuild(result, h =>
        {
            h.Heading = $"dotnet mpirun {Version}: start N copies of a program as one Hpc job.";
            h.Copyright = "";
            h.AddDashesToOption = true;
            h.AdditionalNewLineAfterOption = false;
            h.MaximumDisplayWidth = 100;
            h.AddPreOptionsLine($"Usage: {Usage}");
            h.AddPreOptionsLine("Everything after PROGRAM is passed to it unchanged, even when it looks like an option.");
            h.AddPreOptionsLine("PROGRAM is an executable (path or on PATH), a .dll run with the dotnet host,");
            h.AddPreOptionsLine("or a .csproj / project directory, built once in Release first.");
            h.AddPostOptionsLine("Exit code: 0 when every rank exits 0; otherwise the code of the first rank that failed");
            h.AddPostOptionsLine("(128+N when it was killed by signal N), the code given to Abort, 124 on --timeout,");
            h.AddPostOptionsLine("130/143 when mpirun is interrupted or terminated, 2 for a bad command line.");
            return h;
        }, e => e);
        return help.ToString();
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)(=(?<value>.*))?$", RegexOptions.Singleline)]
    private static partial Regex ExportPattern();
}
