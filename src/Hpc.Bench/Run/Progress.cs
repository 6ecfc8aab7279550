namespace Hpc.Bench.Run;

/// <summary>
/// Tells a person watching a long run where it is, on stderr so stdout stays a clean table.
/// Silent for the first two seconds, so a short run prints nothing but its table.
/// </summary>
internal sealed class Progress(TextWriter stderr, bool enabled)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public void Step(string benchmark, string algorithm, long bytes, int step, int steps)
    {
        if (!enabled || _clock.Elapsed < Quiet)
            return;
        string size = bytes > 0 ? $" {bytes} B" : "";
        stderr.WriteLine($"hpc-bench: {benchmark} [{algorithm}]{size} ({step}/{steps}, {_clock.Elapsed.TotalSeconds:F0} s)");
        stderr.Flush();
    }
}
