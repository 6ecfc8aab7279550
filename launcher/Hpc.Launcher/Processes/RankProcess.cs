using System.Diagnostics;
using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// One rank: its process and the two forwarders that drain its stdout and stderr. Its stdin is
/// mpirun's (the rank <c>--stdin</c> names), a pipe mpirun copies into (<c>--stdin all</c>), or
/// an immediately closed pipe, so a program that reads stdin sees EOF instead of competing with
/// the other ranks for the terminal.
/// </summary>
internal sealed class RankProcess : IRankProcess
{
    private readonly Process _process;

    private RankProcess(int rank, Process process, Task exited, Task output)
    {
        Rank = rank;
        _process = process;
        Pid = process.Id;
        Exited = exited;
        OutputDrained = output;
    }

    /// <summary>World rank.</summary>
    public int Rank { get; }

    /// <summary>Operating-system process id, valid even after exit.</summary>
    public int Pid { get; }

    /// <summary>Completes when the process has exited (its pipes may still hold output).</summary>
    public Task Exited { get; }

    /// <summary>Completes when both pipes reached EOF and everything was forwarded.</summary>
    public Task OutputDrained { get; }

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => Exited.IsCompleted;

    /// <summary>The exit code; 128+N for a death by signal N (how .NET reports it on Unix).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The write end of the rank's stdin when it was started with <see cref="RankStdin.Piped"/>, else null.</summary>
    public Stream? Stdin { get; private init; }

    /// <summary>
    /// Starts <paramref name="launch"/> (its variables added to the launcher's own environment),
    /// forwarding its stdout and stderr to <paramref name="sink"/> a whole line at a time.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The operating system refused to start it.</exception>
    public static RankProcess Start(RankLaunch launch, ILineSink sink, RankStdin stdin = RankStdin.Closed)
    {
        var info = new ProcessStartInfo(launch.Program.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = stdin != RankStdin.Inherited,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (launch.WorkingDirectory is not null)
            info.WorkingDirectory = launch.WorkingDirectory;
        foreach (string arg in launch.Program.LeadingArgs)
            info.ArgumentList.Add(arg);
        foreach (string arg in launch.Args)
            info.ArgumentList.Add(arg);
        foreach ((string name, string value) in launch.Environment)
            info.Environment[name] = value;

        var process = new Process { StartInfo = info };
        CpuBinding.StartPinned(launch.Cpus, process.Start);
        Stream? input = null;
        if (stdin == RankStdin.Closed)
            process.StandardInput.Close();
        else if (stdin == RankStdin.Piped)
            input = process.StandardInput.BaseStream;

        Task stdout = OutputForwarder.Start(process.StandardOutput.BaseStream, sink, OutputStream.Stdout, []);
        Task stderr = OutputForwarder.Start(process.StandardError.BaseStream, sink, OutputStream.Stderr, []);
        // Without BeginOutputReadLine, WaitForExitAsync completes at the exit itself rather than
        // at the pipes' EOF, which a background grandchild could hold open indefinitely.
        Task exited = process.WaitForExitAsync();
        return new RankProcess(launch.Rank, process, exited, Task.WhenAll(stdout, stderr)) { Stdin = input };
    }

    /// <summary>Kills the process and everything it started that is still in its tree.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // It exited meanwhile.
        }
    }

    /// <inheritdoc />
    public override string ToString() => "rank " + Rank.ToString(CultureInfo.InvariantCulture) + " pid " + Pid.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();
}
