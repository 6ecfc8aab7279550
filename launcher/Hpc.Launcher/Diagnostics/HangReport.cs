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
    /// they do (so one stall is reported once), and the longest of them; null when none has.
    /// </summary>
    public static (string Key, int Rank, CallSnapshot Call)? Stalled(IReadOnlyList<RankSnapshot> ranks, TimeSpan threshold)
    {
        var stuck = ranks.SelectMany(r => r.Calls.Select(c => (r.Rank, Call: c)))
            .Where(x => x.Call.Seconds >= threshold.TotalSeconds).ToList();
        if (stuck.Count == 0)
            return null;
        string key = string.Join(";", stuck.Select(x => x.Rank.ToString(CultureInfo.InvariantCulture) + ":" + x.Call.Text));
        (int rank, CallSnapshot call) = stuck.MaxBy(x => x.Call.Seconds);
        return (key, rank, call);
    }
}
