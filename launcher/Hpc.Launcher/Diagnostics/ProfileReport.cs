using System.Globalization;
using System.Text.Json;
using Hpc.Diagnostics;

namespace Hpc.Launcher;

/// <summary>One call kind over the job.</summary>
/// <param name="Kind">The call.</param>
/// <param name="Calls">Calls on every rank together.</param>
/// <param name="Bytes">Bytes on every rank together (count × element size per call).</param>
/// <param name="Seconds">Time inside it on every rank together.</param>
/// <param name="PercentOfWall">Seconds against the ranks' wall time added up (mpiP's "App%").</param>
/// <param name="MinSeconds">The least time one rank spent in it (ranks that never called it count 0).</param>
/// <param name="MinRank">That rank.</param>
/// <param name="MeanSeconds">The mean over ranks.</param>
/// <param name="MaxSeconds">The most time one rank spent in it.</param>
/// <param name="MaxRank">That rank: the one that waited longest in this call.</param>
internal sealed record KindSummary(string Kind, long Calls, long Bytes, double Seconds, double PercentOfWall,
    double MinSeconds, int MinRank, double MeanSeconds, double MaxSeconds, int MaxRank);

/// <summary>One rank's time: inside Hpc calls (communication) against the rest (compute).</summary>
internal sealed record RankTime(int Rank, string Host, double WallSeconds, double CommunicationSeconds, double ComputeSeconds, double CommunicationPercent);

/// <summary>The rank the others wait for: the most compute time, against the median of the others.</summary>
internal sealed record Straggler(int Rank, double ComputeSeconds, double OthersMedianComputeSeconds, double ExtraSeconds);

/// <summary>The job's profile (<c>mpirun --profile</c>), as printed and as <c>--profile-json</c> writes it.</summary>
internal sealed record ProfileSummary(int Ranks, double WallSeconds, IReadOnlyList<KindSummary> Kinds, IReadOnlyList<RankTime> RankTimes,
    Straggler? Straggler, IReadOnlyList<int> Missing);

/// <summary>
/// Aggregates the ranks' <see cref="RankProfile"/>s into mpiP's kind of summary: per call kind the
/// job's count, bytes and time with the per-rank spread, each rank's communication against
/// compute, and the straggler. Wall time runs from the end of Init to the start of Finalize.
/// </summary>
internal static class ProfileReport
{
    /// <summary>
    /// A rank is named the straggler when its compute time exceeds the median of the others by
    /// more than this fraction (and by at least a millisecond); below that, ranks are balanced.
    /// </summary>
    public const double StragglerThreshold = 0.10;

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The summary of <paramref name="profiles"/> of a job of <paramref name="ranks"/> ranks (missing ones are listed).</summary>
    public static ProfileSummary Aggregate(IReadOnlyList<RankProfile> profiles, int ranks)
    {
        RankProfile[] sorted = [.. profiles.OrderBy(p => p.Rank)];
        int[] missing = [.. Enumerable.Range(0, ranks).Except(sorted.Select(p => p.Rank))];
        double wallTotal = sorted.Sum(p => p.WallSeconds);
        var kinds = new List<KindSummary>();
        foreach (string kind in sorted.SelectMany(p => p.Kinds).Select(k => k.Kind).Distinct())
        {
            (int Rank, KindProfile? Counters)[] perRank = [.. sorted.Select(p => (p.Rank, p.Kinds.FirstOrDefault(k => k.Kind == kind)))];
            double Seconds((int Rank, KindProfile? Counters) r) => r.Counters?.Seconds ?? 0;
            var min = perRank.MinBy(Seconds);
            var max = perRank.MaxBy(Seconds);
            double total = perRank.Sum(Seconds);
            kinds.Add(new KindSummary(kind, perRank.Sum(r => r.Counters?.Calls ?? 0), perRank.Sum(r => r.Counters?.Bytes ?? 0), total,
                wallTotal > 0 ? 100 * total / wallTotal : 0, Seconds(min), min.Rank, total / perRank.Length, Seconds(max), max.Rank));
        }
        kinds.Sort((a, b) => b.Seconds.CompareTo(a.Seconds));
        RankTime[] times = [.. sorted.Select(p =>
        {
            double communication = p.CommunicationSeconds;
            double compute = Math.Max(0, p.WallSeconds - communication);
            return new RankTime(p.Rank, p.Host, p.WallSeconds, communication, compute, p.WallSeconds > 0 ? 100 * communication / p.WallSeconds : 0);
        })];
        return new ProfileSummary(ranks, sorted.Length == 0 ? 0 : sorted.Max(p => p.WallSeconds), kinds, times, FindStraggler(times), missing);
    }

    private static Straggler? FindStraggler(RankTime[] times)
    {
        if (times.Length < 2)
            return null;
        RankTime slowest = times.MaxBy(t => t.ComputeSeconds)!;
        double[] others = [.. times.Where(t => t != slowest).Select(t => t.ComputeSeconds).Order()];
        double median = others.Length % 2 == 1 ? others[others.Length / 2] : (others[others.Length / 2 - 1] + others[others.Length / 2]) / 2;
        double extra = slowest.ComputeSeconds - median;
        return extra > StragglerThreshold * median && extra > 1e-3 ? new Straggler(slowest.Rank, slowest.ComputeSeconds, median, extra) : null;
    }

    /// <summary>The summary as mpirun prints it at the end of the job.</summary>
    public static List<string> Lines(ProfileSummary summary)
    {
        var lines = new List<string>
        {
            F($"profile: {summary.Ranks} ranks, wall time {summary.WallSeconds:F3} s (end of Init to Finalize)"),
            F($"  {"call",-14} {"count",9} {"bytes",10} {"total s",9} {"% wall",7} {"min s",9} {"(rank)",6} {"mean s",9} {"max s",9} {"(rank)",6}"),
        };
        foreach (KindSummary k in summary.Kinds)
        {
            lines.Add(F($"  {k.Kind,-14} {k.Calls,9} {Bytes(k.Bytes),10} {k.Seconds,9:F4} {k.PercentOfWall,7:F1} {k.MinSeconds,9:F4} {k.MinRank,6} {k.MeanSeconds,9:F4} {k.MaxSeconds,9:F4} {k.MaxRank,6}"));
        }
        lines.Add(F($"  {"rank",4} {"host",-16} {"wall s",9} {"comm s",9} {"compute s",10} {"comm %",7}"));
        foreach (RankTime t in summary.RankTimes)
            lines.Add(F($"  {t.Rank,4} {t.Host,-16} {t.WallSeconds,9:F4} {t.CommunicationSeconds,9:F4} {t.ComputeSeconds,10:F4} {t.CommunicationPercent,7:F1}"));
        if (summary.Straggler is { } s)
        {
            lines.Add(F($"slowest rank: rank {s.Rank} computes {s.ExtraSeconds:F3} s more than the median of the other ranks ({s.ComputeSeconds:F3} s against {s.OthersMedianComputeSeconds:F3} s); they wait for it inside their calls"));
        }
        else if (summary.RankTimes.Count > 1)
        {
            lines.Add(F($"slowest rank: none; every rank's compute time is within {StragglerThreshold * 100:F0} % of the others' median"));
        }
        if (summary.Missing.Count > 0)
            lines.Add($"no profile from {RankRanges.Subject(summary.Missing)} (did not reach Finalize)");
        return lines;
    }

    /// <summary>The <c>--profile-json</c> document.</summary>
    public static string ToJson(ProfileSummary summary) => JsonSerializer.Serialize(summary, s_json);

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("F1", CultureInfo.InvariantCulture) + " KiB",
        < 1024L * 1024 * 1024 => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB",
        _ => (bytes / 1073741824.0).ToString("F2", CultureInfo.InvariantCulture) + " GiB",
    };

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
