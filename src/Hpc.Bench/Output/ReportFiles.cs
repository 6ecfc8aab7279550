using Hpc.Bench.Cli;

namespace Hpc.Bench.Output;

/// <summary>Reads result files of any supported kind and writes the ones a run asked for.</summary>
internal static class ReportFiles
{
    /// <summary>Loads a .json or .csv written by hpc-bench, or any other file as an ompi_bench table.</summary>
    /// <exception cref="UsageException">The file is missing or not a result file.</exception>
    public static BenchReport Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}");
        }
        try
        {
            return Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".json" => JsonReport.Deserialize(text, path),
                ".csv" => CsvReport.Deserialize(text, path),
                _ => ReferenceOutput.Parse(text, path),
            };
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Writes --json, --csv and --plot (with the --compare datasets) for a finished run.</summary>
    public static void WriteOutputs(BenchReport report, BenchOptions options)
    {
        if (options.JsonFile is { } json)
            Write(json, JsonReport.Serialize(report));
        if (options.CsvFile is { } csv)
            Write(csv, CsvReport.Serialize(report));
        if (options.PlotFile is { } plot)
            SavePlot(plot, [report, .. options.InputFiles.Select(Load)]);

        static void Write(string path, string content) => Writing(path, () => File.WriteAllText(path, content));
    }

    /// <summary>Plots <paramref name="reports"/> (medians per runtime and algorithm) into <paramref name="path"/>, SVG or PNG.</summary>
    /// <exception cref="UsageException">The file cannot be written.</exception>
    public static void SavePlot(string path, IReadOnlyList<BenchReport> reports) =>
        Writing(path, () => BenchPlot.Save(path, PlotTitle(reports), PlotCaption(reports), Compare.Comparison.PlotLines(reports), BenchPlot.BandwidthAxis(reports[0].Benchmark)));

    private static void Writing(string path, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write '{path}': {e.Message}");
        }
    }

    /// <summary>The plot's second line: what was measured with what, where and when.</summary>
    public static string PlotCaption(IReadOnlyList<BenchReport> reports)
    {
        BenchReport hpc = reports.FirstOrDefault(r => r.Runtime == "Hpc") ?? reports[0];
        string algorithms = string.Join(", ", reports.Where(r => r.Runtime == "Hpc").SelectMany(r => r.Series.Select(s => s.Algorithm)).Distinct());
        var parts = new List<string> { $"Hpc {hpc.Version ?? Run.BenchmarkRunner.HpcVersion}" };
        if (algorithms.Length > 0)
            parts.Add($"algorithm {algorithms}");
        if (hpc.Host is { } host)
            parts.Add($"host {host}");
        if (hpc.Date is { } date)
            parts.Add(date);
        if (hpc.Load is { } load)
            parts.Add($"beside {load} busy threads");
        int runs = reports.Count(r => r.Runtime == hpc.Runtime);
        parts.Add(runs > 1 ? $"median of {runs} runs, band min-max over ranks and runs" : "band: min-max over ranks");
        return string.Join(" · ", parts);
    }

    public static string PlotTitle(IReadOnlyList<BenchReport> reports)
    {
        BenchReport first = reports[0];
        string runtimes = string.Join(" vs ", reports.Select(r => r.Runtime).Distinct());
        return $"{first.Benchmark}, {first.Ranks} ranks, {first.Datatype} ({runtimes})";
    }
}
