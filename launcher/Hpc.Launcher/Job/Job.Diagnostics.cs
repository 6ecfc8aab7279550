using System.Globalization;
using Hpc.Diagnostics;

namespace Hpc.Launcher;

/// <summary>What the job reports beyond the ranks' output: the hang report, the profile and the trace.</summary>
internal sealed partial class Job
{
    /// <summary>How long the profile and trace of ranks that finished may take to arrive after they exit.</summary>
    private static readonly TimeSpan DiagnosticsLimit = TimeSpan.FromSeconds(20);

    /// <summary>Every rank's state: its answer to QUERY, or why there is none.</summary>
    private async Task<RankSnapshot[]> QueryRanksAsync()
    {
        string?[] answers = await _server.QueryAsync(QueryWait).ConfigureAwait(false);
        return HangReport.Snapshots(answers, rank => _ranks[rank] switch
        {
            null => (false, false, 0),
            { HasExited: true } process => (true, true, process.ExitCode),
            _ => (true, false, 0),
        });
    }

    /// <summary>
    /// <c>--hang-after</c>: asks the ranks what they do every so often, and once a call has waited
    /// past the threshold prints the hang report, once per stall; the job goes on.
    /// </summary>
    private async Task WatchForHangsAsync(TimeSpan threshold, CancellationToken stop)
    {
        TimeSpan poll = TimeSpan.FromTicks(Math.Clamp(threshold.Ticks / 2, TimeSpan.TicksPerMillisecond * 200, TimeSpan.TicksPerSecond * 10));
        string? reported = null;
        var seen = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(poll, stop).ConfigureAwait(false);
                if (!_server.TableSent)
                    continue;
                RankSnapshot[] ranks = await QueryRanksAsync().ConfigureAwait(false);
                if (stop.IsCancellationRequested)
                    return;
                if (HangReport.Stalled(ranks, threshold, seen, clock.Elapsed) is not { } stalled)
                {
                    reported = null;
                    continue;
                }
                if (stalled.Key == reported)
                    continue;
                reported = stalled.Key;
                string header = string.Create(CultureInfo.InvariantCulture,
                    $"rank {stalled.Rank} has waited {(stalled.Call.Seconds < 0 ? "at least " : "")}{stalled.Seconds:F1} s in {stalled.Call.Text} (--hang-after {threshold.TotalSeconds:0.###} s); rank states:");
                foreach (string line in HangReport.Lines(header, ranks))
                    _sink.Message(line);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>After a completed job: the profile summary (<c>--profile</c>, <c>--profile-json</c>) and the trace file (<c>--trace</c>).</summary>
    private async Task ReportDiagnosticsAsync()
    {
        DiagnosticsOptions options = _spec.Diagnostics ?? DiagnosticsOptions.Default;
        if (!options.Profile && options.TraceFile is null)
            return;
        // A rank's last lines (a long trace) may still be in flight when its process has exited.
        await Task.WhenAll(Enumerable.Range(0, _spec.Ranks).Select(r => _server.WaitClosedAsync(r, DiagnosticsLimit))).ConfigureAwait(false);
        if (options.Profile)
        {
            RankProfile[] profiles = [.. Enumerable.Range(0, _spec.Ranks).Select(r => _server.ProfileOf(r) is { } json ? RankProfile.FromJson(json) : null)
                .Where(p => p is not null).Select(p => p!)];
            ProfileSummary summary = ProfileReport.Aggregate(profiles, _spec.Ranks);
            foreach (string line in ProfileReport.Lines(summary))
                _sink.Message(line);
            if (options.ProfileJson is { } path)
                WriteOrSay(path, "--profile-json", () => File.WriteAllText(path, ProfileReport.ToJson(summary)));
        }
        if (options.TraceFile is { } trace)
        {
            WriteOrSay(trace, "--trace", () =>
            {
                long spans = TraceFile.Write(trace, [.. Enumerable.Range(0, _spec.Ranks).Select(_server.TraceOf)], JobId);
                _sink.Message($"trace: {spans} spans of {_spec.Ranks} ranks written to {trace} (open it in https://ui.perfetto.dev)");
            });
        }
    }

    private void WriteOrSay(string path, string option, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _sink.Message($"{option}: cannot write '{path}': {e.Message}");
        }
    }
}
