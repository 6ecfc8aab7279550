using System.Globalization;

namespace Hpc.Launcher;

/// <summary>How a job ends: the events that decide it, and turning the first into one message and an exit code.</summary>
internal sealed partial class Job
{
    private async Task<int> FinishAsync(Ending ending)
    {
        switch (ending)
        {
            case Completed:
                await TerminateAsync("job completed").ConfigureAwait(false);
                await DrainAsync().ConfigureAwait(false);
                await ReportDiagnosticsAsync().ConfigureAwait(false);
                return 0;

            case TimedOut:
            {
                foreach (string line in HangReport.Lines($"job timed out after {_spec.TimeoutText} s; rank states:", await QueryRanksAsync().ConfigureAwait(false)))
                    _sink.Message(line);
                foreach (string line in await SpawnedStatesAsync().ConfigureAwait(false))
                    _sink.Message(line);
                await TerminateAsync("timeout").ConfigureAwait(false);
                await DrainAsync().ConfigureAwait(false);
                return TimeoutExitCode;
            }

            default:
            {
                bool othersRunning = _ranks.Any(r => r is { HasExited: false }) || SpawnedProcesses().Any(p => !p.HasExited);
                await TerminateAsync("job failed").ConfigureAwait(false);
                // The cause goes last, after the ranks' own output, where a reader looks first.
                await DrainAsync().ConfigureAwait(false);
                (string message, int exitCode) = Describe(ending);
                // Only an unexpected death needs the consequence spelled out; Abort and signals imply it.
                bool explain = othersRunning && ending is RankExited or LeftBeforeWireUp or StartFailed or HostLost or ChildExited or ChildLeftBeforeWireUp;
                _sink.Message(message + (explain ? "; terminating the job" : ""));
                return exitCode;
            }
        }
    }

    private (string Message, int ExitCode) Describe(Ending ending)
    {
        switch (ending)
        {
            case RankExited(int rank, int code):
                return Signals.Of(code) is int killer
                    ? ($"{Who(rank)} was killed by signal {killer} ({Signals.Name(killer)})", code)
                    : ($"{Who(rank)} exited with code {code}", code);
            case Failed(_, string text):
                return (text, 1);
            case Aborted(int rank, int code, string text):
                // An Abort must never look like success, nor wrap around to it modulo 256.
                return ($"{Who(rank)} called Abort({code}): {text}", code is >= 1 and <= 255 ? code : 1);
            case LeftBeforeWireUp(int rank):
                return ($"{Who(rank)} exited with code 0 without publishing its endpoint, so the other ranks cannot start", 1);
            case Interrupted(int signal):
                return ($"received {Signals.Name(signal)}; terminated the job", 128 + signal);
            case StartFailed(int rank, string reason):
                return ($"cannot start rank {rank} ('{_programs[_spec.AppIndexOf(rank)].FileName}'): {reason}", CannotExecuteExitCode);
            case HostLost(_, string message, int code):
                return (message, code);
            case ChildExited(int spawn, int rank, int code):
                return Signals.Of(code) is int childSignal
                    ? ($"{WhoSpawned(spawn, rank)} was killed by signal {childSignal} ({Signals.Name(childSignal)})", code)
                    : ($"{WhoSpawned(spawn, rank)} exited with code {code}", code);
            case ChildAborted(int spawn, int rank, int code, string text):
                return ($"{WhoSpawned(spawn, rank)} called Abort({code}): {text}", code is >= 1 and <= 255 ? code : 1);
            case ChildLeftBeforeWireUp(int spawn, int rank):
                return ($"{WhoSpawned(spawn, rank)} exited with code 0 without connecting to its parents, so they cannot go on", 1);
            default:
                return ($"job ended: {ending}", 1);
        }
    }

    private string Who(int rank)
    {
        string pid = _ranks[rank] is { Pid: > 0 } process ? process.Pid.ToString(CultureInfo.InvariantCulture) : "?";
        return $"rank {rank} (host {_server.HostOf(rank) ?? _spec.Placement?.HostOf(rank) ?? _hostName}, pid {pid})";
    }

    /// <summary>What decided the job's end; the first one reported wins.</summary>
    private abstract record Ending;
    private sealed record Completed : Ending;
    private sealed record RankExited(int Rank, int ExitCode) : Ending;
    private sealed record Aborted(int Rank, int Code, string Text) : Ending;
    private sealed record LeftBeforeWireUp(int Rank) : Ending;
    private sealed record Interrupted(int Signal) : Ending;
    private sealed record TimedOut : Ending;
    private sealed record Failed(int Rank, string Text) : Ending;
    private sealed record StartFailed(int Rank, string Reason) : Ending;
    private sealed record HostLost(string Host, string Message, int ExitCode) : Ending;
}
