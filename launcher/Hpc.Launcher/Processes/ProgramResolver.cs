using System.Diagnostics;

namespace Hpc.Launcher;

/// <summary>What to execute for every rank: a file and the arguments before the user's own.</summary>
/// <param name="FileName">Absolute path of the executable (a native program or the dotnet host).</param>
/// <param name="LeadingArgs">Arguments placed before the user's (the .dll path when run by the dotnet host).</param>
/// <param name="Description">How the program is named in messages.</param>
internal sealed record ResolvedProgram(string FileName, IReadOnlyList<string> LeadingArgs, string Description);

/// <summary>A project could not be built or located; the build output has already been shown.</summary>
internal sealed class BuildFailedException(string message, int exitCode) : Exception(message)
{
    /// <summary>Exit code for the launcher (the build's, or 1).</summary>
    public int ExitCode { get; } = exitCode == 0 ? 1 : exitCode;
}

/// <summary>
/// Turns what the user typed into something <see cref="System.Diagnostics.Process"/> can start:
/// a native executable (path or PATH), a .dll for the dotnet host, or a project that is built
/// once here, so N ranks never race N builds of the same output directory.
/// </summary>
internal static class ProgramResolver
{
    /// <summary>
    /// Resolves <paramref name="program"/> relative to the current directory and PATH;
    /// <paramref name="log"/> receives verbose diagnostics.
    /// </summary>
    /// <exception cref="UsageException">The program does not exist or cannot be run.</exception>
    /// <exception cref="BuildFailedException">The project failed to build.</exception>
    public static ResolvedProgram Resolve(string program, Action<string> log, Action<string> showBuildOutput)
    {
        bool hasSlash = program.Contains('/') || program.Contains(Path.DirectorySeparatorChar);

        if (program.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(program))
                throw NotFound(program);
            return BuildProject(Path.GetFullPath(program), log, showBuildOutput);
        }

        if (program.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(program))
                throw NotFound(program);
            string dll = Path.GetFullPath(program);
            return new ResolvedProgram(FindDotnetHost(), [dll], dll);
        }

        if (hasSlash)
        {
            if (Directory.Exists(program))
                return BuildProject(FindProjectIn(program), log, showBuildOutput);
            if (File.Exists(program))
                return Executable(Path.GetFullPath(program), program);
            throw NotFound(program);
        }

        // A bare name is a command first (like a shell would), then a project directory here.
        if (SearchPath(program) is { } onPath)
            return Executable(onPath, program);
        if (Directory.Exists(program))
            return BuildProject(FindProjectIn(program), log, showBuildOutput);
        throw NotFound(program);
    }

    /// <summary>
    /// The dotnet host that runs .dll programs: the one the SDK names in <c>DOTNET_HOST_PATH</c>,
    /// else the host running this launcher, else <c>dotnet</c> on PATH.
    /// </summary>
    public static string FindDotnetHost()
    {
        string? hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
            return hostPath;
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return self;
        if (SearchPath(OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet") is { } onPath)
            return onPath;
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        throw new UsageException("cannot find the dotnet host to run a .dll (set DOTNET_HOST_PATH or put dotnet on PATH)");
    }

    /// <summary>First executable file named <paramref name="name"/> in a PATH directory, or null.</summary>
    public static string? SearchPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
            return null;
        foreach (string directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && IsExecutable(candidate))
                return Path.GetFullPath(candidate);
        }
        return null;
    }

    private static ResolvedProgram Executable(string fullPath, string typed)
    {
        if (!IsExecutable(fullPath))
            throw new UsageException($"program '{typed}' is not executable");
        return new ResolvedProgram(fullPath, [], fullPath);
    }

    private static bool IsExecutable(string file)
    {
        if (OperatingSystem.IsWindows())
            return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(file) & anyExecute) != 0;
    }

    private static string FindProjectIn(string directory)
    {
        string[] projects = Directory.GetFiles(directory, "*.csproj");
        return projects.Length switch
        {
            1 => Path.GetFullPath(projects[0]),
            0 => throw new UsageException($"program '{directory}' is a directory without a .csproj"),
            _ => throw new UsageException(
                $"directory '{directory}' holds {projects.Length} projects ({string.Join(", ", projects.Select(Path.GetFileName).Order())}); name one"),
        };
    }

    private static ResolvedProgram BuildProject(string project, Action<string> log, Action<string> showBuildOutput)
    {
        string host = FindDotnetHost();
        log($"building {project}");
        (int code, string output) = RunTool(host, ["build", "-c", "Release", "--nologo", "-v", "q", project]);
        if (code != 0)
        {
            showBuildOutput(output);
            throw new BuildFailedException($"build of '{project}' failed (exit code {code})", code);
        }

        (code, output) = RunTool(host, ["msbuild", project, "-getProperty:TargetPath", "-p:Configuration=Release", "-nologo"]);
        string dll = output.Trim();
        if (code != 0 || dll.Length == 0 || !File.Exists(dll))
        {
            showBuildOutput(output);
            throw new BuildFailedException($"cannot find the output of '{project}' (TargetPath '{dll}')", code);
        }
        log($"built {dll}");
        return new ResolvedProgram(host, [dll], dll);
    }

    private static (int ExitCode, string Output) RunTool(string fileName, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string arg in args)
            info.ArgumentList.Add(arg);

        using var process = Process.Start(info) ?? throw new UsageException($"cannot start '{fileName}'");
        process.StandardInput.Close();
        // Read both pipes concurrently: a build that fills one pipe while we wait on the other would
        // deadlock. Build servers the SDK leaves running may inherit the pipes and keep them open,
        // so reading stops once the tool itself has exited and a short grace has passed.
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(5));
        string text = (stdout.IsCompletedSuccessfully ? stdout.Result : "")
            + (stderr.IsCompletedSuccessfully ? stderr.Result : "");
        return (process.ExitCode, text);
    }

    private static UsageException NotFound(string program) => new($"program '{program}' not found");
}
