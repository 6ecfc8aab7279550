using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hpc.IntegrationTests;

/// <summary>
/// The hang and desync report, --check's one-line mismatch, --profile and --trace, through the
/// real launcher on real processes.
/// </summary>
public class DiagnosticsTests
{
    [Fact]
    public void ATimeoutNamesTheRankInADifferentCollective()
    {
        MpirunResult result = Mpirun.Run("--timeout", "6", "-np", "4", RankPrograms.TestRank, "desync-collective");
        Assert.True(result.ExitCode == 124, result.ToString());
        Assert.Contains("mpirun:   rank 3: Broadcast #4 (count=1024, float, root=0) on world", result.Stderr);
        Assert.Contains("mpirun: flight recorder (each rank's last calls, oldest first):", result.Stderr);
        Assert.Matches(@"mpirun:   rank 1: Allreduce #3 \(count=1024, float, op=sum\) on world: .*done", result.Stderr);
        // The sentence goes last, where a reader looks first.
        Assert.EndsWith("mpirun: first divergence: ranks 0-2 are in Allreduce #4 on world (1024 float, op sum); rank 3 is in Broadcast #4 (1024 float, root 0)\n",
            result.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void ATimeoutNamesTheRankThatNeverReachedTheCollective()
    {
        MpirunResult result = Mpirun.Run("--timeout", "6", "-np", "3", RankPrograms.TestRank, "desync-missing");
        Assert.True(result.ExitCode == 124, result.ToString());
        Assert.Contains("mpirun: first divergence: ranks 0,1 are in Allreduce #2 on world (1024 float, op sum); "
            + "rank 2 has not reached collective #2; it is in Receive(source=0, tag=9, count=1, int) on world, waiting for rank 0", result.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void HangAfterReportsOnceAndTheJobGoesOn()
    {
        MpirunResult result = Mpirun.Run("--hang-after", "1", "--timeout", "8", "-np", "3", RankPrograms.TestRank, "desync-collective");
        Assert.True(result.ExitCode == 124, result.ToString());
        string[] lines = result.Stderr.Split('\n');
        int report = Array.FindIndex(lines, l => Regex.IsMatch(l, @"^mpirun: rank \d has waited (at least )?\d+\.\d s in .* \(--hang-after 1 s\); rank states:$"));
        int timeout = Array.FindIndex(lines, l => l.StartsWith("mpirun: job timed out after 8 s", StringComparison.Ordinal));
        Assert.True(report >= 0 && timeout > report, result.ToString());
        // One stall, one report: the same calls are not reported again on every poll.
        Assert.Single(lines, l => l.Contains("(--hang-after 1 s)", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(l => l == "mpirun: first divergence: ranks 0,1 are in Allreduce #4 on world (1024 float, op sum); rank 2 is in Broadcast #4 (1024 float, root 0)"));
    }

    [Theory]
    [InlineData("mismatch", "collective mismatch (--check): ranks 0,2 are in Allreduce #1 on world (4 float, op sum); rank 1 is in Allreduce #1 (5 float, op sum)")]
    [InlineData("mismatch-gatherv", "collective mismatch (--check): Gatherv #1 on world: root 0 expects 2 int from rank 2, which sends 3")]
    [InlineData("desync-collective", "collective mismatch (--check): ranks 0,1 are in Allreduce #4 on world (1024 float, op sum); rank 2 is in Broadcast #4 (1024 float, root 0)")]
    public void ACheckMismatchEndsTheJobWithOneLineAndNoStackTrace(string scenario, string sentence)
    {
        MpirunResult result = Mpirun.Run(["--check", "-np", "3", RankPrograms.TestRank, scenario], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(["mpirun: " + sentence], result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(30), result.ToString());
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void TheProfileOfStragglersNamesTheSlowRankAndItsExtraTime()
    {
        string json = Path.Combine(Path.GetTempPath(), $"hpc-profile-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            // 12 steps of 80 ms extra compute on rank 2: 0.96 s more than the others.
            MpirunResult result = Mpirun.Run(["--profile-json", json, "-np", "4", RankPrograms.Example("Stragglers"), "--slow-rank", "2", "--delay-ms", "80"],
                TimeSpan.FromSeconds(90));
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Matches(@"mpirun:   Allreduce +56 ", result.Stderr);        // 4 ranks x (1 warm-up + 12 steps + 1 check)
            Match slowest = Regex.Match(result.Stderr, @"mpirun: slowest rank: rank (\d+) computes (\d+\.\d+) s more than the median of the other ranks");
            Assert.True(slowest.Success, result.ToString());
            Assert.Equal("2", slowest.Groups[1].Value);
            double extra = double.Parse(slowest.Groups[2].Value, CultureInfo.InvariantCulture);
            Assert.InRange(extra, 0.96 * 0.9, 0.96 * 1.1);

            using JsonDocument profile = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal(2, profile.RootElement.GetProperty("straggler").GetProperty("rank").GetInt32());
            Assert.Equal(4, profile.RootElement.GetProperty("rankTimes").GetArrayLength());
            JsonElement allreduce = profile.RootElement.GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kind").GetString() == "Allreduce");
            // The ranks that wait for the straggler spend the most time in Allreduce; the straggler the least.
            Assert.Equal(2, allreduce.GetProperty("minRank").GetInt32());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void ATraceOfEightRanksTrainingLinesUpEveryRanksAllreduces()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hpc-trace-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            MpirunResult result = Mpirun.Run(["--trace", path, "-np", "8", RankPrograms.Example("DataParallelTraining")], TimeSpan.FromSeconds(120));
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Matches(@"mpirun: trace: \d+ spans of 8 ranks written to ", result.Stderr);

            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement[] events = [.. document.RootElement.GetProperty("traceEvents").EnumerateArray()];
            Assert.Equal(8, events.Count(e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "process_name"));
            var allreduces = events.Where(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("name").GetString() == "Allreduce")
                .Select(e => (Rank: e.GetProperty("pid").GetInt32(), Sequence: e.GetProperty("args").GetProperty("sequence").GetInt32(),
                    Start: e.GetProperty("ts").GetDouble(), End: e.GetProperty("ts").GetDouble() + e.GetProperty("dur").GetDouble()))
                .ToList();
            Assert.Equal(8, allreduces.Select(a => a.Rank).Distinct().Count());
            Assert.Single(allreduces.GroupBy(a => a.Rank).Select(g => g.Count()).Distinct());
            // Lined up: no rank can leave an allreduce before every rank has entered it, so on
            // aligned clocks each allreduce's earliest end is after its latest start (1 ms slack for the alignment).
            foreach (var call in allreduces.GroupBy(a => a.Sequence))
            {
                Assert.Equal(8, call.Count());
                Assert.True(call.Min(a => a.End) >= call.Max(a => a.Start) - 1000, $"Allreduce #{call.Key} is not lined up across ranks");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
