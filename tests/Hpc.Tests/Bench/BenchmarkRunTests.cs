using Hpc.Bench.Cli;
using Hpc.Bench.Model;
using Hpc.Bench.Run;
using Xunit;

namespace Hpc.Tests.Bench;

/// <summary>Whole benchmarks on in-process worlds (ranks as threads), with --check on.</summary>
public class BenchmarkRunTests
{
    private sealed record Outcome(int[] ExitCodes, BenchReport? Report, string Stdout, string Stderr);

    private static Outcome Run(int ranks, params string[] args) => Run(ranks, OptionParser.Parse(args));

    private static Outcome Run(int ranks, BenchOptions options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        TextWriter outSync = TextWriter.Synchronized(stdout), errSync = TextWriter.Synchronized(stderr);
        var results = InProcessWorld.Run(ranks, world => new BenchmarkRunner(world, options with { Quiet = true }, outSync, errSync).Run());
        return new Outcome([.. results.Select(r => r.ExitCode)], results[0].Report, stdout.ToString(), stderr.ToString());
    }

    public static TheoryData<string, int> EveryBenchmark()
    {
        var data = new TheoryData<string, int>();
        foreach (BenchmarkInfo info in BenchmarkInfo.All)
        {
            data.Add(info.Name, 2);
            if (!info.IsPointToPoint)
                data.Add(info.Name, 3);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryBenchmark))]
    public void EveryAlgorithmPassesTheCheck(string benchmark, int ranks)
    {
        BenchmarkInfo info = BenchmarkInfo.Find(benchmark)!;
        List<string> args = [benchmark, "-i", "3", "-x", "1", "--check", "-W", "4"];
        if (info.HasSizes)
            args.AddRange(["-m", "4:4096"]);
        if (info.AlgorithmNames.Count > 0)
            args.AddRange(["--algorithm", "all"]);

        Outcome outcome = Run(ranks, [.. args]);

        Assert.True(outcome.ExitCodes.All(c => c == 0), outcome.Stderr);
        Assert.Empty(outcome.Stderr);
        BenchReport report = outcome.Report!;
        Assert.Equal(info.AlgorithmNames.Count > 0 ? info.AlgorithmNames : ["auto"], report.Series.Select(s => s.Algorithm));
        Assert.All(report.Series.SelectMany(s => s.Rows), row =>
        {
            Assert.True(row.CheckPassed);
            Assert.True(row.AvgUs > 0);
            Assert.Equal(3, row.Iterations);
            Assert.True(row.P50Us > 0 && row.P50Us <= row.P90Us && row.P90Us <= row.P99Us, $"{row}");
        });
    }

    [Fact]
    public void TailColumnsFollowTheAverageWithZ()
    {
        Outcome outcome = Run(2, "latency", "-m", "4:64", "-i", "5", "-x", "0", "-z");
        string[] lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines[1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["# Size", "Avg Latency(us)", "P50 Tail Lat(us)", "P90 Tail Lat(us)", "P99 Tail Lat(us)", "algbw(GB/s)", "busbw(GB/s)"], header);
        Assert.Equal(["4", "16", "64"], lines[2..].Select(l => l.Split(' ')[0]));
        Assert.All(outcome.Report!.Series[0].Rows, row => Assert.Equal(row.P50Us!.Value.ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
            lines[2..].Single(l => l.Split(' ')[0] == row.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]));
    }

    [Fact]
    public void EveryAlgorithmIsABlockOfItsOwn()
    {
        Outcome outcome = Run(2, "allreduce", "-m", "4:64", "-i", "2", "-x", "0", "--algorithm", "all", "--check");
        string[] lines = outcome.Stdout.Split('\n');
        Assert.StartsWith("# hpc-bench allreduce", lines[0]);
        IReadOnlyList<string> algorithms = AlgorithmNames.ValidNames<AllreduceAlgorithm>();
        foreach (string algorithm in algorithms)
        {
            int title = Array.IndexOf(lines, $"# algorithm: {algorithm}");
            Assert.True(title > 0, outcome.Stdout);
            Assert.Equal(["# Size", "Avg Latency(us)", "algbw(GB/s)", "busbw(GB/s)", "Check"],
                lines[title + 1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Equal(["4", "16", "64"], lines[(title + 2)..(title + 5)].Select(l => l.Split(' ')[0]));
            Assert.All(lines[(title + 2)..(title + 5)], l => Assert.EndsWith("Pass", l));
        }
        // No line wider than a terminal's 100 columns, whatever the number of algorithms.
        Assert.All(lines[1..], l => Assert.True(l.Length <= 100, l));
    }

    [Fact]
    public void TableIsOsuShaped()
    {
        Outcome outcome = Run(2, "allreduce", "-m", "4:1024", "-i", "2", "-x", "0");
        string[] lines = outcome.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("# hpc-bench allreduce", lines[0]);
        string[] header = lines[1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["# Size", "Avg Latency(us)", "algbw(GB/s)", "busbw(GB/s)", "Algorithm"], header);
        Assert.Equal(["4", "16", "64", "256", "1024"], lines[2..].Select(l => l.Split(' ')[0]));
        Assert.True(lines.Length > 2, outcome.Stdout);
        Assert.All(lines[2..], l => Assert.True(l.Split(" ", StringSplitOptions.RemoveEmptyEntries).Length == 5, outcome.Stdout));
    }

    [Fact]
    public void SizesTooSmallForEveryRankAreSkipped()
    {
        // 3 ranks need 3 floats (12 bytes): 4 B is skipped, as ompi_bench does for allgather.
        Outcome outcome = Run(3, "allgather", "-m", "4:64", "-i", "1", "-x", "0");
        Assert.Equal([16L, 64], outcome.Report!.Series[0].Rows.Select(r => r.Bytes));
    }

    [Fact]
    public void CheckCatchesAWrongResult()
    {
        BenchOptions options = OptionParser.Parse(["allreduce", "-m", "4:64", "-i", "4", "-x", "0", "--check", "--algorithm", "ring,tree"])
            with { CorruptResult = (rank, iteration) => rank == 1 && iteration == 2 };

        Outcome outcome = Run(2, options);

        Assert.All(outcome.ExitCodes, code => Assert.Equal(1, code));
        Assert.Contains("rank 1, iteration 2: element 0: expected", outcome.Stderr);
        Assert.All(outcome.Report!.Series.SelectMany(s => s.Rows), row => Assert.False(row.CheckPassed));
        Assert.Contains("Fail", outcome.Stdout);
        Assert.DoesNotContain("Pass", outcome.Stdout);
    }

    [Fact]
    public void CheckCatchesAWrongMessageInPingPong()
    {
        BenchOptions options = OptionParser.Parse(["latency", "-m", "4:16", "-i", "3", "-x", "1", "--check"])
            with { CorruptResult = (rank, iteration) => rank == 0 && iteration == 1 };

        Outcome outcome = Run(2, options);

        Assert.All(outcome.ExitCodes, code => Assert.Equal(1, code));
        Assert.Contains("rank 0, iteration 1", outcome.Stderr);
    }

    [Fact]
    public void PointToPointNeedsTwoRanks()
    {
        Outcome outcome = Run(1, "latency", "-m", "4");
        Assert.Equal([2], outcome.ExitCodes);
        Assert.Contains("needs 2 ranks", outcome.Stderr);
    }
}
