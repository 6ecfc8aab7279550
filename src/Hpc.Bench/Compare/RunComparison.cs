using System.Text;
using Hpc.Bench.Output;

namespace Hpc.Bench.Compare;

/// <summary>One run's ratios: run r of a runtime against run r of the baseline, per size.</summary>
/// <param name="Run">1-based run number.</param>
/// <param name="Ratios">Size and time ratio (above 1 is slower than the baseline), ascending sizes present in both.</param>
internal sealed record RunRatios(int Run, IReadOnlyList<(long Bytes, double Ratio)> Ratios)
{
    /// <summary>The median ratio over sizes (the mean of the middle two for an even count).</summary>
    public double MedianOverSizes => Median(Ratios.Select(r => r.Ratio));

    /// <summary>The size with the largest ratio.</summary>
    public (long Bytes, double Ratio) WorstSize => Ratios.MaxBy(r => r.Ratio);

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
            return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}

/// <summary>
/// Every run, not only medians: issue 15's targets hold "in every one of 5 consecutive single
/// runs", so a comparison prints each run's ratio per size (the r-th result file of the runtime
/// against the r-th of the baseline, the pairs compare-openmpi.sh runs back to back), each run's
/// median over sizes and worst size, and the worst of all runs.
/// </summary>
internal static class RunComparison
{
    /// <summary>Pairs the reports of <paramref name="runtime"/> with the baseline's, in the order given.</summary>
    public static IReadOnlyList<RunRatios> Pair(IReadOnlyList<BenchReport> reports, string runtime, string baseline)
    {
        BenchReport[] mine = [.. reports.Where(r => r.Runtime == runtime)];
        BenchReport[] theirs = [.. reports.Where(r => r.Runtime == baseline)];
        var runs = new List<RunRatios>();
        for (int r = 0; r < Math.Min(mine.Length, theirs.Length); r++)
        {
            IReadOnlyList<Row> a = mine[r].Series[0].Rows, b = theirs[r].Series[0].Rows;
            var ratios = new List<(long, double)>();
            foreach (Row row in a.OrderBy(x => x.Bytes))
            {
                if (b.FirstOrDefault(x => x.Bytes == row.Bytes) is { AvgUs: > 0 } other)
                    ratios.Add((row.Bytes, row.AvgUs / other.AvgUs));
            }
            if (ratios.Count > 0)
                runs.Add(new RunRatios(r + 1, ratios));
        }
        return runs;
    }

    /// <summary>
    /// The per-run table, or null when it does not apply: not exactly two runtimes, or a report
    /// with several series (algorithm sweeps are compared by their medians only).
    /// </summary>
    public static string? Table(IReadOnlyList<BenchReport> reports, string? baselineName)
    {
        string[] runtimes = [.. reports.Select(r => r.Runtime).Distinct()];
        if (runtimes.Length != 2 || reports.Any(r => r.Series.Count != 1))
            return null;
        string baseline = baselineName is not null && runtimes.FirstOrDefault(r => r.Equals(baselineName, StringComparison.OrdinalIgnoreCase)) is { } named
            ? named
            : runtimes.Contains(ReferenceOutput.Runtime) ? ReferenceOutput.Runtime : runtimes[1];
        string runtime = runtimes.First(r => r != baseline);
        IReadOnlyList<RunRatios> runs = Pair(reports, runtime, baseline);
        if (runs.Count == 0)
            return null;

        BenchReport first = reports[0];
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"# {first.Benchmark} np={first.Ranks}: {runtime}/{baseline} in every run (time ratio of run r of each; above 1 is slower)\n");
        const int width = 10, label = 20;
        text.Append("# Size".PadRight(label));
        foreach (RunRatios run in runs)
            text.Append($"run {run.Run}".PadLeft(width));
        text.Append("median".PadLeft(width)).Append("worst".PadLeft(width)).Append('\n');
        foreach (long bytes in runs.SelectMany(r => r.Ratios.Select(x => x.Bytes)).Distinct().Order())
        {
            text.Append(bytes.ToString(CultureInfo.InvariantCulture).PadRight(label));
            var values = new List<double>();
            foreach (RunRatios run in runs)
            {
                double? ratio = run.Ratios.Where(x => x.Bytes == bytes).Select(x => (double?)x.Ratio).FirstOrDefault();
                if (ratio is { } v)
                    values.Add(v);
                text.Append((ratio is { } r ? F2(r) : "-").PadLeft(width));
            }
            text.Append(F2(RunRatios.Median(values)).PadLeft(width)).Append(F2(values.Max()).PadLeft(width)).Append('\n');
        }
        text.Append("# median over sizes".PadRight(label));
        foreach (RunRatios run in runs)
            text.Append(F2(run.MedianOverSizes).PadLeft(width));
        text.Append('\n');
        text.Append("# worst size".PadRight(label));
        foreach (RunRatios run in runs)
            text.Append($"{F2(run.WorstSize.Ratio)}@{BenchPlot.SizeLabel(run.WorstSize.Bytes)}".PadLeft(width));
        text.Append('\n');
        RunRatios worstMedian = runs.MaxBy(r => r.MedianOverSizes)!;
        RunRatios worstSize = runs.MaxBy(r => r.WorstSize.Ratio)!;
        text.Append(CultureInfo.InvariantCulture,
            $"# worst of {runs.Count} runs: median over sizes {F2(worstMedian.MedianOverSizes)} (run {worstMedian.Run}), "
            + $"worst size {F2(worstSize.WorstSize.Ratio)} at {worstSize.WorstSize.Bytes} B (run {worstSize.Run})\n");
        return text.ToString();
    }

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
