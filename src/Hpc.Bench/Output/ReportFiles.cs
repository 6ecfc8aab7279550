using Hpc.Bench.Cli;
using Hpc.Bench.Model;

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
        {
            List<BenchReport> reports = [report, .. options.InputFiles.Select(Load)];
            Write(plot, SvgPlot.Render(PlotTitle(reports), Compare.Comparison.PlotLines(reports), SvgPlot.BandwidthAxis(report.Benchmark)));
        }

        void Write(string path, string content)
        {
            try
            {
                File.WriteAllText(path, content);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot write '{path}': {e.Message}");
            }
        }
    }

    public static string PlotTitle(IReadOnlyList<BenchReport> reports)
    {
        BenchReport first = reports[0];
        string runtimes = string.Join(" vs ", reports.Select(r => r.Runtime).Distinct());
        return $"{first.Benchmark}, {first.Ranks} ranks, {first.Datatype} ({runtimes})";
    }
}
