using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Hpc.Launcher;

namespace Hpc.IntegrationTests;

/// <summary>What one launcher run produced.</summary>
public sealed record MpirunResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>Pid of the launcher: its job id is <c>hpc-PID-…</c>, which names the job's /dev/shm files.</summary>
    public int Pid { get; init; }

    /// <summary>Stdout split into lines, without the trailing empty one.</summary>
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <inheritdoc />
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the real launcher (<c>dotnet Hpc.Launcher.dll</c>, copied next to this assembly by the
/// project reference) as a separate process. Every run has a hard time limit: past it the whole
/// process tree is killed and the test fails with what was printed so far, so a hanging launcher
/// can never hang the test run. xunit 2 has no timeouts for synchronous tests; this is it.
/// </summary>
public sealed class Mpirun : IDisposable
{
    /// <summary>Limit of a run unless a test asks for another.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Channel<string> _stdoutLines = Channel.CreateUnbounded<string>();
    private readonly TaskCompletionSource _stdoutEof = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrEof = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _limit;

    private Mpirun(IEnumerable<string> args, TimeSpan limit, string? workingDirectory, IReadOnlyDictionary<string, string?>? environment,
        string? stdin = null)
    {
        _limit = limit;
        string dll = Path.Combine(AppContext.BaseDirectory, "Hpc.Launcher.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException("the launcher was not copied next to the tests", dll);

        var info = new ProcessStartInfo(ProgramResolver.FindDotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        info.ArgumentList.Add(dll);
        string[] given = [.. args];
        // A job that hangs reports what every rank waits for (mpirun --timeout) shortly before
        // the test gives up on it, so a failure says where it hung.
        if (given.Contains("-np") && !given.Contains("--timeout") && limit > TimeSpan.FromSeconds(30))
        {
            info.ArgumentList.Add("--timeout");
            info.ArgumentList.Add(((int)(limit.TotalSeconds - 15)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (string arg in given)
            info.ArgumentList.Add(arg);
        if (environment is not null)
        {
            foreach ((string name, string? value) in environment)
            {
                if (value is null)
                    info.Environment.Remove(name);
                else
                    info.Environment[name] = value;
            }
        }

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stdoutLines.Writer.TryComplete();
                _stdoutEof.TrySetResult();
                return;
            }
            lock (_stdout)
                _stdout.Append(e.Data).Append('\n');
            _stdoutLines.Writer.TryWrite(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _stderrEof.TrySetResult();
                return;
            }
            lock (_stderr)
                _stderr.Append(e.Data).Append('\n');
        };
        _process.Start();
        if (stdin is not null)
            _process.StandardInput.Write(stdin);
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Pid of the launcher process.</summary>
    public int Pid => _process.Id;

    /// <summary>Runs <c>mpirun ARGS</c> to its end within <see cref="DefaultLimit"/>.</summary>
    public static MpirunResult Run(params string[] args) => Run(args, DefaultLimit);

    /// <summary>Runs <c>mpirun ARGS</c> to its end within <paramref name="limit"/>.</summary>
    public static MpirunResult Run(IEnumerable<string> args, TimeSpan limit, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null, string? stdin = null)
    {
        using var mpirun = Start(args, limit, workingDirectory, environment, stdin);
        return mpirun.WaitForExit();
    }

    /// <summary>Starts <c>mpirun ARGS</c> for a test that talks to the job while it runs; <paramref name="stdin"/> is written to its stdin, then EOF.</summary>
    public static Mpirun Start(IEnumerable<string> args, TimeSpan? limit = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null, string? stdin = null) =>
        new(args, limit ?? DefaultLimit, workingDirectory, environment, stdin);

    /// <summary>The next stdout line, waiting at most <paramref name="wait"/>.</summary>
    public string ReadStdoutLine(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return _stdoutLines.Reader.ReadAsync(cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"no stdout line within {wait.TotalSeconds} s; so far:\n{Snapshot()}");
        }
    }

    /// <summary>
    /// Waits until the launcher's stderr so far contains <paramref name="text"/>, at most
    /// <paramref name="wait"/>: how a test learns that the launcher reached a state it logs with <c>-v</c>.
    /// </summary>
    public void WaitForStderr(string text, TimeSpan wait)
    {
        var clock = Stopwatch.StartNew();
        while (!Text(_stderr).Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > wait)
                throw new TimeoutException($"stderr did not show '{text}' within {wait.TotalSeconds} s; so far:\n{Snapshot()}");
            Thread.Sleep(10);
        }
    }

    /// <summary>Waits for the launcher to exit and both pipes to close, within the run's limit.</summary>
    public MpirunResult WaitForExit()
    {
        TimeSpan left = _limit - _clock.Elapsed;
        Task all = Task.WhenAll(_process.WaitForExitAsync(), _stdoutEof.Task, _stderrEof.Task);
        if (left <= TimeSpan.Zero || !all.Wait(left))
        {
            KillTree();
            throw new TimeoutException($"mpirun did not finish within {_limit.TotalSeconds} s and was killed; so far:\n{Snapshot()}");
        }
        return new MpirunResult(_process.ExitCode, Text(_stdout), Text(_stderr), _clock.Elapsed) { Pid = _process.Id };
    }

    /// <summary>Sends a signal to the launcher (not to its ranks).</summary>
    public void Signal(int signal) => Assert.True(Native.Kill(_process.Id, signal) == 0, $"kill({_process.Id}, {signal}) failed");

    /// <inheritdoc />
    public void Dispose()
    {
        KillTree();
        _process.Dispose();
    }

    private void KillTree()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private string Snapshot() => $"--- stdout\n{Text(_stdout)}--- stderr\n{Text(_stderr)}";

    private static string Text(StringBuilder builder)
    {
        lock (builder)
            return builder.ToString();
    }
}
