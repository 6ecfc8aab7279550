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
                return new ShowText(HelpText(result));
            if (errors.Any(e => e.Tag == ErrorType.VersionRequestedError))
                return new ShowText(VersionText());
            throw new UsageException(Describe(errors[0]));
        }

        LauncherOptions options = ((Parsed<LauncherOptions>)result).Value;
        options.Np = Unshield(options.Np);
        options.Exports = [.. options.Exports.Select(ArgvSplitter.Unshield)];
        options.Timeout = Unshield(options.Timeout);
        options.Coll = Unshield(options.Coll);
        options.Tune = Unshield(options.Tune);
        options.Transport = Unshield(options.Transport);
        options.Hostfile = Unshield(options.Hostfile);
        options.Machinefile = Unshield(options.Machinefile);
        options.HostList = [.. options.HostList.Select(ArgvSplitter.Unshield)];
        options.MapBy = Unshield(options.MapBy);
        options.LaunchAgent = Unshield(options.LaunchAgent);
        options.Iface = Unshield(options.Iface);
        return Validate(options, split, lookup);
    }

    private static string? Unshield(string? bound) => bound is null ? null : ArgvSplitter.Unshield(bound);

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

    private static RunJob Validate(LauncherOptions options, SplitArguments split, Func<string, string?> lookup)
    {
        var warnings = new List<string>();
        var environment = new List<KeyValuePair<string, string>>();

        (IReadOnlyList<HostSlots>? hosts, int? allocatedTasks, bool inSlurm) = ReadHosts(options, lookup);

        int ranks = allocatedTasks
            ?? (hosts is null ? Environment.ProcessorCount : (int)Math.Min(int.MaxValue, hosts.Sum(h => (long)h.Slots)));
        if (options.Np is not null)
        {
            if (!int.TryParse(options.Np, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ranks))
                throw new UsageException($"-np expects a whole number (got '{options.Np}')");
            if (ranks < 1)
                throw new UsageException($"-np must be at least 1 (got {ranks})");
        }

        MapBy mapBy = MapBy.Slot;
        if (options.MapBy is not null)
        {
            mapBy = options.MapBy.ToLowerInvariant() switch
            {
                "slot" => MapBy.Slot,
                "node" => MapBy.Node,
                _ => throw new UsageException($"--map-by must be slot or node (got '{options.MapBy}')"),
            };
        }
        Placement? placement = hosts is null ? null : Placement.Compute(hosts, ranks, mapBy, options.Oversubscribe);

        LaunchAgent agent = options.LaunchAgent is not null ? LaunchAgent.Parse(options.LaunchAgent)
            : inSlurm && FindOnPath("srun", lookup) is { } srun ? LaunchAgent.Srun(srun)
            : LaunchAgent.Ssh;

        string? iface = options.Iface ?? (lookup(IfaceVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null);

        foreach (string export in options.Exports)
        {
            Match match = ExportPattern().Match(export);
            if (!match.Success)
                throw new UsageException(MalformedExport(export));
            string name = match.Groups["name"].Value;
            if (match.Groups["value"].Success)
            {
                environment.Add(new(name, match.Groups["value"].Value));
            }
            else if (lookup(name) is { } inherited)
            {
                environment.Add(new(name, inherited));
            }
            else
            {
                // Open MPI also goes on: the rank simply does not see the variable.
                warnings.Add($"warning: -x {name}: {name} is not set in mpirun's environment; not exported");
            }
        }

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

        if (split.Program is null)
            throw new UsageException($"no program given (usage: {Usage})");

        var spec = new JobSpec(ranks, split.Program, split.ProgramArgs, environment,
            options.TagOutput, timeout, options.Timeout, options.Verbose, placement, agent, iface);
        return new RunJob(spec, warnings);
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
