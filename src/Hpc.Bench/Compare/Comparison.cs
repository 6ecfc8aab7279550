using Hpc.Bench.Output;

namespace Hpc.Bench.Compare;

/// <summary>One line of a comparison: a runtime and algorithm, its median time per size over the runs given.</summary>
/// <param name="Label">How tables and legends name it: the runtime, plus the algorithm when a runtime has several.</param>
/// <param name="Runtime">"Hpc", "Open MPI", …</param>
/// <param name="Runs">How many result files the medians are taken over.</param>
/// <param name="Rows">One row per size, ascending; the row's time is the median of the runs'.</param>
internal sealed record MedianSeries(string Label, string Runtime, string Algorithm, int Runs, IReadOnlyList<Row> Rows);

/// <summary>
/// Medians over repeated runs. On a shared machine single runs swing by tens of percent; the
/// median of a few runs per runtime, taken alternately, is what a ratio should be computed from.
/// The bandwidths of a median row are recomputed from its median time with the nccl-tests formulas.
/// </summary>
internal static class Comparison
{
    /// <exception cref="Cli.UsageException">The reports are of different benchmarks or rank counts.</exception>
    public static IReadOnlyList<MedianSeries> Medians(IReadOnlyList<BenchReport> reports)
    {
        if (reports.Count == 0)
            return [];
        BenchReport first = reports[0];
        foreach (BenchReport r in reports)
        {
            if (r.Benchmark != first.Benchmark || r.Ranks != first.Ranks)
                throw new Cli.UsageException(
                    $"cannot compare {first.Benchmark} on {first.Ranks} ranks with {r.Benchmark} on {r.Ranks} ranks ({r.Runtime})");
        }
        BenchmarkInfo info = BenchmarkInfo.Find(first.Benchmark) ?? throw new Cli.UsageException($"unknown benchmark '{first.Benchmark}'");

        var groups = reports
            .SelectMany(r => r.Series.Select(s => (r.Runtime, s.Algorithm, s.Rows)))
            .GroupBy(x => (x.Runtime, x.Algorithm))
            .ToList();
        var result = new List<MedianSeries>();
        foreach (var group in groups)
        {
            bool severalAlgorithms = groups.Count(g => g.Key.Runtime == group.Key.Runtime) > 1;
            string label = severalAlgorithms ? $"{group.Key.Runtime} {group.Key.Algorithm}" : group.Key.Runtime;
            Row[] rows =
            [
                .. group.SelectMany(x => x.Rows)
                    .GroupBy(row => row.Bytes)
                    .OrderBy(g => g.Key)
                    .Select(g => MedianRow(info, first.Ranks, [.. g])),
            ];
            result.Add(new MedianSeries(label, group.Key.Runtime, group.Key.Algorithm, group.Count(), rows));
        }
        return result;
    }

    /// <summary>The row with the median time (the mean of the middle two for an even count).</summary>
    public static Row MedianRow(BenchmarkInfo info, int ranks, IReadOnlyList<Row> rows)
    {
        double[] times = [.. rows.Select(r => r.AvgUs).Order()];
        int mid = times.Length / 2;
        double median = times.Length % 2 == 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
        long bytes = rows[0].Bytes;
        return rows[0] with
        {
            AvgUs = median,
            MinUs = rows.Min(r => r.MinUs),
            MaxUs = rows.Max(r => r.MaxUs),
            AlgbwGBs = Bandwidth.AlgorithmGBs(bytes, median),
            BusbwGBs = Bandwidth.BusGBs(info.Kind, ranks, bytes, median),
            CheckPassed = rows.All(r => r.CheckPassed != false) ? rows[0].CheckPassed : false,
        };
    }

    /// <summary>The lines of a plot: one per runtime and algorithm, medians when a runtime has several runs.</summary>
    public static IReadOnlyList<PlotLine> PlotLines(IReadOnlyList<BenchReport> reports) =>
        [.. Medians(reports).Select(m => new PlotLine(m.Label, m.Runtime != "Hpc",
            [.. m.Rows.Select(r => new PlotPoint(r.Bytes, r.AvgUs, r.MinUs, r.MaxUs, r.BusbwGBs))]))];
}
