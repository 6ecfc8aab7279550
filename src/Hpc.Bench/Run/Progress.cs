using System.Diagnostics;
using Spectre.Console;

namespace Hpc.Bench.Run;

/// <summary>
/// Tells a person watching a long run where it is, on stderr so stdout stays a clean table. On a
/// terminal it is a Spectre.Console progress bar with the elapsed time and an estimate of the
/// time left (from the steps done so far; sizes grow by 4, so it errs short early on); elsewhere
/// (a pipe, a file, the ranks of <c>dotnet mpirun</c>, whose output mpirun forwards through
/// pipes) plain lines, silent for the first two seconds so a short run prints only its table.
/// </summary>
internal sealed class Progress : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);
    private readonly TextWriter _stderr;
    private readonly bool _enabled;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly IAnsiConsole? _terminal;
    private readonly Thread? _renderer;
    private readonly ManualResetEventSlim _finished = new();
    private readonly ManualResetEventSlim _started = new();
    private ProgressTask? _task;
    private volatile string _description = "starting";
    private int _done;
    private int _total = 1;

    /// <param name="stderr">Where plain lines go.</param>
    /// <param name="enabled">False: nothing at all (-q, ranks other than 0).</param>
    /// <param name="terminal">Draw a bar: stderr is a terminal (<see cref="StderrIsTerminal"/>).</param>
    public Progress(TextWriter stderr, bool enabled, bool terminal = false)
    {
        _stderr = stderr;
        _enabled = enabled;
        if (!enabled || !terminal)
            return;
        _terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        _renderer = new Thread(() =>
        {
            try
            {
                _terminal.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                        new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(context =>
                    {
                        _task = context.AddTask("hpc-bench", maxValue: 1);
                        _started.Set();
                        while (!_finished.Wait(100))
                        {
                            _task.Description = Markup.Escape(_description);
                            _task.MaxValue = Math.Max(1, Volatile.Read(ref _total));
                            _task.Value = Volatile.Read(ref _done);
                        }
                        _task.Value = _task.MaxValue;
                    });
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                // Progress is a courtesy: a terminal that goes away must not end the benchmark.
            }
            finally
            {
                _started.Set();
            }
        })
        { IsBackground = true, Name = "progress" };
        _renderer.Start();
        _started.Wait();
    }

    /// <summary>Whether this process's stderr is a terminal (a bar is drawn only then).</summary>
    public static bool StderrIsTerminal => !Console.IsErrorRedirected;

    /// <summary>Whether a bar is being drawn; table lines then go through <see cref="WriteLine"/>.</summary>
    public bool IsBar => _terminal is not null;

    /// <summary>Starts step <paramref name="step"/> of <paramref name="steps"/> (1-based).</summary>
    public void Step(string benchmark, string algorithm, long bytes, int step, int steps)
    {
        if (!_enabled)
            return;
        string size = bytes > 0 ? $" {bytes} B" : "";
        Volatile.Write(ref _total, steps);
        Volatile.Write(ref _done, step - 1);
        _description = $"{benchmark} [{algorithm}]{size}";
        if (_terminal is not null || _clock.Elapsed < Quiet)
            return;
        TimeSpan elapsed = _clock.Elapsed;
        string eta = step > 1 ? $", about {Remaining(elapsed, step - 1, steps).TotalSeconds:F0} s left" : "";
        _stderr.WriteLine($"hpc-bench: {_description} ({step}/{steps}, {elapsed.TotalSeconds:F0} s{eta})");
        _stderr.Flush();
    }

    /// <summary>The time left if the remaining steps take as long on average as the <paramref name="done"/> ones did.</summary>
    public static TimeSpan Remaining(TimeSpan elapsed, int done, int total) =>
        done <= 0 ? TimeSpan.Zero : elapsed / done * Math.Max(0, total - done);

    /// <summary>
    /// Writes a table line to <paramref name="stdout"/>; while a bar is drawn and stdout is the
    /// same terminal, through the bar's console so the line appears above the bar, not through it.
    /// </summary>
    public void WriteLine(TextWriter stdout, string line)
    {
        if (_terminal is not null && !Console.IsOutputRedirected && ReferenceEquals(stdout, Console.Out))
        {
            _terminal.WriteLine(line, Style.Plain);
            return;
        }
        stdout.WriteLine(line);
        stdout.Flush();
    }

    /// <summary>Ends the bar (it clears itself); safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _finished.Set();
        _renderer?.Join();
        _finished.Dispose();
        _started.Dispose();
    }

    private bool _disposed;
}
