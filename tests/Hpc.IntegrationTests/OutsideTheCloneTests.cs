using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Hpc.IntegrationTests;

/// <summary>
/// Hpc used the way a user outside the clone uses it, from the packages <c>launcher/install.sh</c>
/// packs into <c>artifacts/packages</c>: in a temporary directory outside the clone,
/// <c>dotnet new hpc-app -n Demo &amp;&amp; cd Demo &amp;&amp; dotnet mpirun -np 4 .</c>; a
/// <c>dotnet new console</c> project given the package with <c>dotnet add package Hpc --source FEED</c>;
/// and <c>hpc-bench --help</c>. The tools come from the feed into a temporary tool directory put on
/// PATH, and the template goes into a temporary template hive, so the test checks exactly this
/// clone's packages and leaves the user's global tools and templates alone. (Restores do add this
/// build's packages to the user's NuGet cache, as any restore does; their versions never repeat.)
/// </summary>
public sealed class OutsideTheCloneTests(PackagedHpc hpc) : IClassFixture<PackagedHpc>
{
    [FeedFact]
    public void HpcAppTemplateRunsUnderDotnetMpirun()
    {
        string work = hpc.NewWorkDirectory();
        hpc.Run(work, "dotnet", "new", "hpc-app", "-n", "Demo", "--debug:custom-hive", hpc.TemplateHive);
        string project = Path.Combine(work, "Demo");
        Assert.Contains($"<PackageReference Include=\"Hpc\" Version=\"{hpc.Version}\" />", File.ReadAllText(Path.Combine(project, "Demo.csproj")));

        CommandResult run = hpc.Run(project, "dotnet", "mpirun", "--timeout", "150", "-np", "4", ".");

        Assert.Equal(["Allreduce over 4 ranks: every element is 10 on every rank"], run.StdoutLines);
    }

    [FeedFact]
    public void ConsoleProjectGivenPackageHpcRunsUnderDotnetMpirunAndMpiexec()
    {
        string work = hpc.NewWorkDirectory();
        hpc.Run(work, "dotnet", "new", "console", "-n", "Plain", "--debug:custom-hive", hpc.TemplateHive);
        string project = Path.Combine(work, "Plain");
        hpc.Run(project, "dotnet", "add", "package", "Hpc", "--prerelease", "--source", PackagedHpc.Feed);
        Assert.Contains($"Include=\"Hpc\" Version=\"{hpc.Version}\"", File.ReadAllText(Path.Combine(project, "Plain.csproj")));
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using Hpc;

            using MpiSession mpi = Mpi.Init();
            int sum = mpi.World.Allreduce(mpi.World.Rank, ReduceOp.Sum);
            Console.WriteLine($"rank {mpi.World.Rank} of {mpi.World.Size}: sum of ranks {sum}");
            """);

        CommandResult mpirun = hpc.Run(project, "dotnet", "mpirun", "--timeout", "150", "-np", "3", ".");
        Assert.Equal(["rank 0 of 3: sum of ranks 3", "rank 1 of 3: sum of ranks 3", "rank 2 of 3: sum of ranks 3"], mpirun.StdoutLines.Order());

        CommandResult mpiexec = hpc.Run(project, "dotnet", "mpiexec", "-n", "2", ".");
        Assert.Equal(["rank 0 of 2: sum of ranks 1", "rank 1 of 2: sum of ranks 1"], mpiexec.StdoutLines.Order());
    }

    [FeedFact]
    public void ToolsRunFromAnyDirectory()
    {
        string work = hpc.NewWorkDirectory();

        CommandResult version = hpc.Run(work, "dotnet", "mpirun", "--version");
        Assert.Equal([$"mpirun (Hpc.Launcher) {hpc.Version}"], version.StdoutLines);

        CommandResult help = hpc.Run(work, "hpc-bench", "--help");
        Assert.Contains("hpc-bench", help.Stdout + help.Stderr);
        Assert.Contains("dotnet mpirun", help.Stdout + help.Stderr);
    }
}

/// <summary>What one command printed.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout split into lines, without empty ones.</summary>
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>
/// This clone's feed, and for the tests a temporary directory outside the clone holding the tools
/// installed from it (put first on PATH) and a template hive with <c>Hpc.Templates</c>. Made once
/// for the test class; deleted at its end.
/// </summary>
public sealed partial class PackagedHpc : IDisposable
{
    /// <summary>Limit of one command: a restore and build of a new project on a busy 2-core machine fits.</summary>
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(180);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "hpc-outside-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _environment;
    private readonly string? _missing;
    private int _workDirectories;

    /// <summary>Installs the tools and the template from the feed, unless the feed is not built (the tests are then skipped).</summary>
    public PackagedHpc()
    {
        string tools = Path.Combine(_root, "tools");
        _environment = new Dictionary<string, string>
        {
            ["PATH"] = tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            // Builds leave no MSBuild nodes or compiler server behind (they would outlive the test).
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["UseSharedCompilation"] = "false",
        };
        if (FeedVersion(out string why) is not { } version)
        {
            _missing = why;
            return;
        }
        Version = version;
        Directory.CreateDirectory(_root);
        if (_root.StartsWith(RankPrograms.RepositoryRoot, StringComparison.Ordinal))
            throw new InvalidOperationException($"the temporary directory {_root} is inside the clone {RankPrograms.RepositoryRoot}");
        foreach (string tool in new[] { "Hpc.Launcher", "Hpc.Mpiexec", "Hpc.Bench" })
            Run(_root, "dotnet", "tool", "install", "--tool-path", tools, "--add-source", Feed, tool, "--version", Version);
        Run(_root, "dotnet", "new", "install", Path.Combine(Feed, $"Hpc.Templates.{Version}.nupkg"), "--debug:custom-hive", TemplateHive);
    }

    /// <summary>The clone's feed folder, <c>artifacts/packages</c>.</summary>
    public static string Feed { get; } = Path.Combine(RankPrograms.RepositoryRoot, "artifacts", "packages");

    /// <summary>The version of the build in the feed.</summary>
    public string Version { get; } = "";

    /// <summary>The temporary template hive holding Hpc.Templates (for <c>--debug:custom-hive</c>).</summary>
    public string TemplateHive => Path.Combine(_root, "hive");

    /// <summary>
    /// The version of the build in the feed, or null with <paramref name="why"/> saying what is missing.
    /// </summary>
    public static string? FeedVersion(out string why)
    {
        string[] libraries = Directory.Exists(Feed)
            ? [.. Directory.GetFiles(Feed).Select(Path.GetFileName).OfType<string>().Where(name => LibraryPackage().IsMatch(name))]
            : [];
        if (libraries.Length != 1)
        {
            why = $"the package feed {Feed} holds {libraries.Length} builds of package Hpc, not 1: run `bash launcher/install.sh` first";
            return null;
        }
        string version = LibraryPackage().Match(libraries[0]).Groups["version"].Value;
        foreach (string id in new[] { "Hpc.Launcher", "Hpc.Mpiexec", "Hpc.Bench", "Hpc.Templates" })
        {
            if (!File.Exists(Path.Combine(Feed, $"{id}.{version}.nupkg")))
            {
                why = $"the package feed {Feed} lacks {id}.{version}.nupkg: run `bash launcher/install.sh`";
                return null;
            }
        }
        why = "";
        return version;
    }

    /// <summary>A new empty directory under the temporary one, for one test's projects.</summary>
    /// <exception cref="InvalidOperationException">The feed is not built (a test runs anyway under CI).</exception>
    public string NewWorkDirectory() => _missing is not null
        ? throw new InvalidOperationException(_missing)
        : Directory.CreateDirectory(Path.Combine(_root, "work-" + Interlocked.Increment(ref _workDirectories))).FullName;

    /// <summary>
    /// Runs a command in <paramref name="directory"/> with the tools first on PATH and requires exit
    /// code 0; past <see cref="CommandLimit"/> its whole process tree is killed and the test fails.
    /// </summary>
    public CommandResult Run(string directory, string file, params string[] args)
    {
        var info = new ProcessStartInfo(OnPath(file))
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        foreach ((string name, string value) in _environment)
            info.Environment[name] = value;

        string command = $"{file} {string.Join(' ', args)} (in {directory})";
        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(CommandLimit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{command} did not finish within {CommandLimit.TotalSeconds} s and was killed\n--- stdout\n{stdout}--- stderr\n{stderr}");
        }
        process.WaitForExit(); // the output events have all been raised after this
        var result = new CommandResult(process.ExitCode, stdout.ToString(), stderr.ToString());
        Assert.True(result.ExitCode == 0, $"{command} exited with code {result.ExitCode}\n--- stdout\n{result.Stdout}--- stderr\n{result.Stderr}");
        return result;
    }

    /// <summary>
    /// The command a shell with this PATH would run. Process.Start would look in the test's own
    /// directory first, which holds an hpc-bench of its own (the test project references Hpc.Bench).
    /// </summary>
    private string OnPath(string command) =>
        _environment["PATH"].Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"'{command}' is not on PATH ({_environment["PATH"]})");

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_root))
                Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"^Hpc\.(?<version>[0-9][^/]*)\.nupkg$")]
    private static partial Regex LibraryPackage();
}

/// <summary>
/// A fact skipped, with the reason, when this clone's feed is not built (before the first
/// <c>launcher/install.sh</c>). Under CI (<c>CI=true</c>), where .ci/run runs install.sh first, a
/// missing feed fails the test instead of skipping it.
/// </summary>
public sealed class FeedFactAttribute : FactAttribute
{
    /// <summary>Skips unless <see cref="PackagedHpc.FeedVersion"/> finds a build.</summary>
    public FeedFactAttribute()
    {
        if (PackagedHpc.FeedVersion(out string why) is null && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = why;
    }
}
