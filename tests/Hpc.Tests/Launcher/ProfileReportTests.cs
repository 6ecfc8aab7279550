using Hpc.Diagnostics;
using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

/// <summary>mpirun --profile: the ranks' counters aggregated as mpiP does, and the straggler named.</summary>
public class ProfileReportTests
{
    private static RankProfile Rank(int rank, double wall, params KindProfile[] kinds) => new(rank, "node" + rank, wall, kinds);

    [Fact]
    public void PerKindTotalsSpreadAndPercentOfWallTime()
    {
        RankProfile[] profiles =
        [
            Rank(0, 10, new KindProfile("Allreduce", 100, 4000, 6), new KindProfile("Send", 10, 80, 1)),
            Rank(1, 10, new KindProfile("Allreduce", 100, 4000, 2)),
            Rank(2, 10, new KindProfile("Allreduce", 100, 4000, 4), new KindProfile("Send", 5, 40, 0.5)),
        ];
        ProfileSummary summary = ProfileReport.Aggregate(profiles, 3);

        KindSummary allreduce = summary.Kinds[0];
        Assert.Equal("Allreduce", allreduce.Kind);
        Assert.Equal(300, allreduce.Calls);
        Assert.Equal(12000, allreduce.Bytes);
        Assert.Equal(12, allreduce.Seconds, 9);
        Assert.Equal(40, allreduce.PercentOfWall, 9);
        Assert.Equal((2.0, 1), (allreduce.MinSeconds, allreduce.MinRank));
        Assert.Equal(4, allreduce.MeanSeconds, 9);
        Assert.Equal((6.0, 0), (allreduce.MaxSeconds, allreduce.MaxRank));

        // A rank that never sent counts 0 in the spread.
        KindSummary send = summary.Kinds[1];
        Assert.Equal((15L, 120L), (send.Calls, send.Bytes));
        Assert.Equal((0.0, 1), (send.MinSeconds, send.MinRank));
        Assert.Equal(0.5, send.MeanSeconds, 9);

        Assert.Equal([7.0, 2.0, 4.5], summary.RankTimes.Select(t => t.CommunicationSeconds));
        Assert.Equal([3.0, 8.0, 5.5], summary.RankTimes.Select(t => t.ComputeSeconds));
        Assert.Equal(70, summary.RankTimes[0].CommunicationPercent, 9);
        Assert.Empty(summary.Missing);
    }

    [Fact]
    public void TheStragglerIsTheRankWithTheMostComputeAndItsExtraTimeIsAgainstTheOthersMedian()
    {
        // Rank 2 computes 5 s, the others 1.0, 1.2 and 0.8 s: 4 s more than their median, 1.0 s.
        RankProfile[] profiles =
        [
            Rank(0, 6, new KindProfile("Allreduce", 10, 0, 5.0)),
            Rank(1, 6, new KindProfile("Allreduce", 10, 0, 4.8)),
            Rank(2, 6, new KindProfile("Allreduce", 10, 0, 1.0)),
            Rank(3, 6, new KindProfile("Allreduce", 10, 0, 5.2)),
        ];
        ProfileSummary summary = ProfileReport.Aggregate(profiles, 4);
        Straggler straggler = summary.Straggler!;
        Assert.Equal(2, straggler.Rank);
        Assert.Equal(5.0, straggler.ComputeSeconds, 9);
        Assert.Equal(1.0, straggler.OthersMedianComputeSeconds, 9);
        Assert.Equal(4.0, straggler.ExtraSeconds, 9);
        Assert.Contains("slowest rank: rank 2 computes 4.000 s more than the median of the other ranks (5.000 s against 1.000 s); they wait for it inside their calls",
            ProfileReport.Lines(summary));
    }

    [Fact]
    public void BalancedRanksHaveNoStraggler()
    {
        RankProfile[] profiles = [.. Enumerable.Range(0, 4).Select(r => Rank(r, 2, new KindProfile("Barrier", 1, 0, 1 + 0.01 * r)))];
        ProfileSummary summary = ProfileReport.Aggregate(profiles, 4);
        Assert.Null(summary.Straggler);
        Assert.Contains(ProfileReport.Lines(summary), l => l.StartsWith("slowest rank: none", StringComparison.Ordinal));
    }

    [Fact]
    public void MissingRanksAreListedAndTheJsonParsesBack()
    {
        ProfileSummary summary = ProfileReport.Aggregate([Rank(0, 1, new KindProfile("Send", 1, 8, 0.1)), Rank(2, 1)], 4);
        Assert.Equal([1, 3], summary.Missing);
        Assert.Contains("no profile from ranks 1,3 (did not reach Finalize)", ProfileReport.Lines(summary));
        using var json = System.Text.Json.JsonDocument.Parse(ProfileReport.ToJson(summary));
        Assert.Equal(4, json.RootElement.GetProperty("ranks").GetInt32());
        Assert.Equal("Send", json.RootElement.GetProperty("kinds")[0].GetProperty("kind").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("rankTimes").GetArrayLength());
    }
}
