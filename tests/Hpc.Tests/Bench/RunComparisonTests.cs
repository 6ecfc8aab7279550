using Hpc.Bench.Compare;
using Hpc.Bench.Model;
using Hpc.Bench.Output;
using Xunit;

namespace Hpc.Tests.Bench;

public class RunComparisonTests
{
    private static BenchReport Hpc(params (long Bytes, double Us)[] rows) => new()
    {
        Runtime = "Hpc",
        Benchmark = "latency",
        Ranks = 2,
        Series = [new Series("auto", [.. rows.Select(r => new Row(r.Bytes, r.Us, r.Us, r.Us, 2000, 0, 0))])],
    };

    private static BenchReport Ompi(params (long Bytes, double Us)[] rows) =>
        ReferenceOutput.Parse("# pingpong np=2\n" + string.Concat(rows.Select(r => $" {r.Bytes} {r.Us.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n")));

    [Fact]
    public void EachRunIsPairedWithTheBaselineRunOfTheSameNumber()
    {
        BenchReport[] reports =
        [
            Hpc((4, 2), (16, 3), (64, 10)), Ompi((4, 1), (16, 1), (64, 1)),
            Hpc((4, 1), (16, 1), (64, 1)), Ompi((4, 1), (16, 2), (64, 4)),
        ];

        IReadOnlyList<RunRatios> runs = RunComparison.Pair(reports, "Hpc", "Open MPI");

        Assert.Equal(2, runs.Count);
        Assert.Equal([(4L, 2.0), (16L, 3.0), (64L, 10.0)], runs[0].Ratios);
        Assert.Equal(3, runs[0].MedianOverSizes);
        Assert.Equal((64L, 10.0), runs[0].WorstSize);
        Assert.Equal([(4L, 1.0), (16L, 0.5), (64L, 0.25)], runs[1].Ratios);
        Assert.Equal(0.5, runs[1].MedianOverSizes);
        Assert.Equal((4L, 1.0), runs[1].WorstSize);
    }

    [Fact]
    public void TheTableShowsEveryRunAndTheWorst()
    {
        BenchReport[] reports =
        [
            Hpc((4, 2), (16, 3)), Ompi((4, 1), (16, 1)),
            Hpc((4, 1), (16, 8)), Ompi((4, 1), (16, 1)),
        ];

        string table = RunComparison.Table(reports, null)!;

        string[] lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("Hpc/Open MPI in every run", lines[0]);
        Assert.Equal(["# Size", "run 1", "run 2", "median", "worst"], lines[1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal(["4", "2.00", "1.00", "1.50", "2.00"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["16", "3.00", "8.00", "5.50", "8.00"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("# worst of 2 runs: median over sizes 4.50 (run 2), worst size 8.00 at 16 B (run 2)", table);
    }

    [Fact]
    public void NoPerRunTableForOneRuntimeOrSeveralAlgorithms()
    {
        Assert.Null(RunComparison.Table([Hpc((4, 1)), Hpc((4, 2))], null));
        BenchReport sweep = Hpc((4, 1)) with { Series = [new Series("ring", []), new Series("tree", [])] };
        Assert.Null(RunComparison.Table([sweep, Ompi((4, 1))], null));
    }
}
