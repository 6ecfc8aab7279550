using System.Text;
using Hpc.Bench.Cli;
using Hpc.Bench.Output;

namespace Hpc.Bench.Compare;

/// <summary>
/// <c>hpc-bench compare FILE…</c>: no MPI, just files. Takes the median per runtime and
/// algorithm over all the files given (repeated runs), prints them side by side with the ratio
/// of each to the baseline (Open MPI by default; above 1 means slower than the baseline), and
/// plots them with <c>--plot</c>.
/// </summary>
internal static class CompareCommand
{
    public static int Run(BenchOptions options, TextWriter stdout)
    {
        BenchReport[] reports = [.. options.InputFiles.Select(ReportFiles.Load)];
        IReadOnlyList<MedianSeries> medians = Comparison.Medians(reports);
        stdout.Write(Table(reports[0], medians, options.Baseline));
        if (RunComparison.Table(reports, options.Baseline) is { } runs)
            stdout.Write("\n" + runs);
        if (options.PlotFile is { } plot)
            ReportFiles.SavePlot(plot, reports);
        return 0;
    }

    /// <exception cref="UsageException">The baseline named is not among the series.</exception>
    public static string Table(BenchReport first, IReadOnlyList<MedianSeries> series, string? baselineName)
    {
        BenchmarkInfo info = BenchmarkInfo.Find(first.Benchmark) ?? throw new UsageException($"unknown benchmark '{first.Benchmark}'");
        MedianSeries? baseline = baselineName is null
            ? series.FirstOrDefault(s => s.Runtime == ReferenceOutput.Runtime)
            : series.FirstOrDefault(s => s.Label.Equals(baselineName, StringComparison.OrdinalIgnoreCase))
              ?? series.FirstOrDefault(s => s.Runtime.Equals(baselineName, StringComparison.OrdinalIgnoreCase))
              ?? throw new UsageException($"--baseline '{baselineName}': no such series; have {string.Join(", ", series.Select(s => s.Label))}");
        MedianSeries[] others = [.. series.Where(s => s != baseline)];

        var columns = new List<(string Header, Func<long, string> Cell)>();
        foreach (MedianSeries s in series)
            columns.Add(($"{s.Label} Avg(us)", bytes => Find(s, bytes) is { } r ? F2(r.AvgUs) : "-"));
        if (baseline is not null)
        {
            foreach (MedianSeries s in others)
            {
                columns.Add(($"{s.Label}/{baseline.Label}", bytes =>
                    Find(s, bytes) is { } r && Find(baseline, bytes) is { } b && b.AvgUs > 0 ? F2(r.AvgUs / b.AvgUs) : "-"));
            }
        }
        if (info.HasSizes)
        {
            string unit = info.IsPointToPoint ? "bw" : "busbw";
            foreach (MedianSeries s in series)
                columns.Add(($"{s.Label} {unit}(GB/s)", bytes => Find(s, bytes) is { } r ? F2(r.BusbwGBs) : "-"));
        }

        var text = new StringBuilder();
        string runs = string.Join(", ", series.Select(s => $"{s.Label} {s.Runs}"));
        string ratio = baseline is null ? "" : $"; ratio = time / {baseline.Label}'s time (above 1 is slower)";
        text.Append(CultureInfo.InvariantCulture, $"# {info.Name} np={first.Ranks} {first.Datatype}: median of runs ({runs}){ratio}\n");
        text.Append("# Size".PadRight(10));
        foreach ((string header, _) in columns)
            text.Append(header.PadLeft(Math.Max(14, header.Length + 2)));
        text.Append('\n');
        foreach (long bytes in series.SelectMany(s => s.Rows.Select(r => r.Bytes)).Distinct().Order())
        {
            text.Append(bytes.ToString(CultureInfo.InvariantCulture).PadRight(10));
            foreach ((string header, Func<long, string> cell) in columns)
                text.Append(cell(bytes).PadLeft(Math.Max(14, header.Length + 2)));
            text.Append('\n');
        }
        return text.ToString();
    }

    private static Row? Find(MedianSeries series, long bytes) => series.Rows.FirstOrDefault(r => r.Bytes == bytes);

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
