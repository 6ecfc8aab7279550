using System.Globalization;
using Hpc.Diagnostics;

namespace Hpc.Launcher;

/// <summary>
/// What mpirun prints when a job hangs (<c>--timeout</c>, <c>--hang-after</c>): every rank's
/// current call, each rank's flight recorder (its last calls, oldest first), and last, where a
/// reader looks first, the first divergence in one sentence per communicator
/// (<see cref="Divergence"/>).
/// </summary>
internal static class HangReport
{
    /// <summary>The report's lines after <paramref name="header"/> (which ends in "rank states:").</summary>
    public static List<string> Lines(string header, IReadOnlyList<RankSnapshot> ranks)
    {
        var lines = new List<string> { header };
        foreach (RankSnapshot rank in ranks.OrderBy(r => r.Rank))
            lines.Add($"  rank {rank.Rank.ToString(CultureInfo.InvariantCulture)}: {rank.Describe()}");
        if (ranks.Any(r => r.Recent.Count > 0))
        {
            lines.Add("flight recorder (each rank's last calls, oldest first):");
            foreach (RankSnapshot rank in ranks.OrderBy(r => r.Rank))
            {
                foreach (string call in rank.Recent)
                    lines.Add($"  rank {rank.Rank.ToString(CultureInfo.InvariantCulture)}: {call}");
            }
        }
        foreach (string sentence in Divergence.Describe(ranks))
            lines.Add("first divergence: " + sentence);
        return lines;
    }

    /// <summary>
    /// Each rank's state from its answer to QUERY: its JSON snapshot, or (a program speaking the
    /// protocol by hand) its text as given; ranks that ended or never answered say so.
    /// </summary>
    public static RankSnapshot[] Snapshots(string?[] answers, Func<int, (bool Started, bool Exited, int ExitCode)> process)
    {
        var snapshots = new RankSnapshot[answers.Length];
        for (int rank = 0; rank < answers.Length; rank++)
        {
            (bool started, bool exited, int code) = process(rank);
            string? answer = answers[rank];
            snapshots[rank] = exited ? RankSnapshot.Silent(rank, RankCondition.Exited, code)
                : !started ? RankSnapshot.Silent(rank, RankCondition.NotStarted)
                : answer is null ? RankSnapshot.Silent(rank, RankCondition.NoAnswer)
                : (answer.StartsWith('{') ? RankSnapshot.FromJson(answer) : null) is { } parsed ? parsed with { Rank = rank }
                : RankSnapshot.Silent(rank, RankCondition.Answered) with { Text = answer };
        }
        return snapshots;
    }

    /// <summary>
    /// The calls that have waited at least <paramref name="threshold"/>, as a key that changes when
    /// they do (so one stall is reported once), and the longest of them with its wait; null when
    /// none has. A call's wait is what the rank measured when calls are timed, else how long
    /// mpirun has seen the same call (<see cref="CallSnapshot.Id"/>) in progress: <paramref name="seen"/>
    /// maps each call to when it was first seen (<paramref name="now"/> on mpirun's clock) and is updated.
    /// </summary>
    public static (string Key, int Rank, CallSnapshot Call, double Seconds)? Stalled(IReadOnlyList<RankSnapshot> ranks, TimeSpan threshold,
        Dictionary<string, TimeSpan> seen, TimeSpan now)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        var stuck = new List<(int Rank, CallSnapshot Call, double Seconds)>();
        foreach (RankSnapshot rank in ranks)
        {
            foreach (CallSnapshot call in rank.Calls)
            {
                string id = rank.Rank.ToString(CultureInfo.InvariantCulture) + "/" + call.Id + "/" + call.Text;
                current.Add(id);
                if (!seen.TryGetValue(id, out TimeSpan first))
                    seen[id] = first = now;
                double seconds = Math.Max(call.Seconds, (now - first).TotalSeconds);
                if (seconds >= threshold.TotalSeconds)
                    stuck.Add((rank.Rank, call, seconds));
            }
        }
        foreach (string gone in seen.Keys.Where(k => !current.Contains(k)).ToList())
            seen.Remove(gone);
        if (stuck.Count == 0)
            return null;
        string key = string.Join(";", stuck.Select(x => x.Rank.ToString(CultureInfo.InvariantCulture) + ":" + x.Call.Id + ":" + x.Call.Text));
        (int r, CallSnapshot longest, double wait) = stuck.MaxBy(x => x.Seconds);
        return (key, r, longest, wait);
    }
}
