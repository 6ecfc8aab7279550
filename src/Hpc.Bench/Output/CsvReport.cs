using System.Text;

namespace Hpc.Bench.Output;

/// <summary>
/// The report as CSV, one line per (algorithm, size) with the run's metadata repeated on every
/// line, so the file loads straight into a spreadsheet or pandas and concatenated runs stay
/// distinguishable. Reading it back gives the same report (numbers in round-trip form).
/// </summary>
internal static class CsvReport
{
    public const string HeaderLine =
        "runtime,benchmark,ranks,datatype,transport,date,host,algorithm,bytes,avg_us,min_us,max_us,iterations,algbw_gbs,busbw_gbs,selected,check,p50_us,p90_us,p99_us";

    /// <summary>The header of files written before the percentile columns existed; still read.</summary>
    public const string HeaderLineWithoutPercentiles =
        "runtime,benchmark,ranks,datatype,transport,date,host,algorithm,bytes,avg_us,min_us,max_us,iterations,algbw_gbs,busbw_gbs,selected,check";

    public static string Serialize(BenchReport report)
    {
        var text = new StringBuilder(HeaderLine).Append('\n');
        foreach (Series series in report.Series)
        {
            foreach (Row row in series.Rows)
            {
                string[] fields =
                [
                    report.Runtime, report.Benchmark, Number(report.Ranks), report.Datatype, report.Transport ?? "",
                    report.Date ?? "", report.Host ?? "", series.Algorithm, Number(row.Bytes), Number(row.AvgUs),
                    Number(row.MinUs), Number(row.MaxUs), Number(row.Iterations), Number(row.AlgbwGBs), Number(row.BusbwGBs),
                    row.Selected ?? "", row.CheckPassed switch { true => "pass", false => "fail", null => "" },
                    Optional(row.P50Us), Optional(row.P90Us), Optional(row.P99Us),
                ];
                text.AppendJoin(',', fields.Select(Quote)).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <exception cref="FormatException">Not a hpc-bench CSV; the message names the line.</exception>
    public static BenchReport Deserialize(string csv, string source = "CSV")
    {
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length == 0 || (lines[0] != HeaderLine && lines[0] != HeaderLineWithoutPercentiles))
            throw new FormatException($"{source}:1: expected the hpc-bench CSV header '{HeaderLine}'");
        int fields = lines[0] == HeaderLine ? 20 : 17;
        BenchReport? report = null;
        var series = new List<(string Algorithm, List<Row> Rows)>();
        for (int i = 1; i < lines.Length; i++)
        {
            string[] f = Split(lines[i]);
            if (f.Length != fields)
                throw new FormatException($"{source}:{i + 1}: expected {fields} fields, found {f.Length}");
            try
            {
                report ??= new BenchReport
                {
                    Runtime = f[0], Benchmark = f[1], Ranks = int.Parse(f[2], CultureInfo.InvariantCulture), Datatype = f[3],
                    Transport = Empty(f[4]), Date = Empty(f[5]), Host = Empty(f[6]), Series = [],
                };
                var row = new Row(
                    long.Parse(f[8], CultureInfo.InvariantCulture), Double(f[9]), Double(f[10]), Double(f[11]),
                    int.Parse(f[12], CultureInfo.InvariantCulture), Double(f[13]), Double(f[14]), Empty(f[15]),
                    f[16] switch { "pass" => true, "fail" => false, "" => null, _ => throw new FormatException($"check '{f[16]}' is not pass or fail") },
                    fields > 17 ? OptionalDouble(f[17]) : null,
                    fields > 17 ? OptionalDouble(f[18]) : null,
                    fields > 17 ? OptionalDouble(f[19]) : null);
                if (series.Count == 0 || series[^1].Algorithm != f[7])
                    series.Add((f[7], []));
                series[^1].Rows.Add(row);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new FormatException($"{source}:{i + 1}: {e.Message}", e);
            }
        }
        if (report is null)
            throw new FormatException($"{source}: no rows");
        return report with { Series = [.. series.Select(s => new Series(s.Algorithm, s.Rows))] };
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static double Double(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Optional(double? value) => value is { } v ? Number(v) : "";

    private static double? OptionalDouble(string text) => text.Length == 0 ? null : Double(text);

    private static string? Empty(string text) => text.Length == 0 ? null : text;

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    field.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
                field.Append(c);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }
}
