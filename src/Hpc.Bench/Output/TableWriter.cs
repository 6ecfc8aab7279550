using System.Text;

namespace Hpc.Bench.Output;

/// <summary>
/// OSU's text table for one series (algorithm): a <c># Size  Avg Latency(us) …</c> header, then
/// one row per size with the size left-aligned in 10 columns and each value right-aligned in 18
/// (OSU's FIELD_WIDTH, two decimals). Several algorithms are printed as one such block each,
/// under a <c># algorithm: NAME</c> line, so the table stays as wide as a terminal whatever the
/// number of algorithms (the JSON and CSV files hold every series side by side for machines).
/// </summary>
internal sealed class TableWriter
{
    private const int SizeWidth = 10;
    private const int FieldWidth = 18;

    private readonly List<(string Header, int Width, Func<Row, string> Cell)> _columns = [];

    /// <param name="info">The benchmark.</param>
    /// <param name="series">The series' name ("auto" when the library chooses).</param>
    /// <param name="full">OSU's -f: min, max and iterations too.</param>
    /// <param name="check">A Pass/Fail column.</param>
    /// <param name="tail">OSU 7.3's -z: P50, P90 and P99 of the per-iteration times.</param>
    public TableWriter(BenchmarkInfo info, string series, bool full, bool check, bool tail = false)
    {
        Add("Avg Latency(us)", r => F2(r.AvgUs));
        if (tail)
        {
            Add("P50 Tail Lat(us)", r => F2(r.P50Us));
            Add("P90 Tail Lat(us)", r => F2(r.P90Us));
            Add("P99 Tail Lat(us)", r => F2(r.P99Us));
        }
        if (full)
        {
            Add("Min Latency(us)", r => F2(r.MinUs));
            Add("Max Latency(us)", r => F2(r.MaxUs));
            Add("Iterations", r => r.Iterations.ToString(CultureInfo.InvariantCulture));
        }
        if (info.HasSizes)
        {
            Add("algbw(GB/s)", r => F2(r.AlgbwGBs));
            Add("busbw(GB/s)", r => F2(r.BusbwGBs));
        }
        if (series == "auto" && info.AlgorithmNames.Count > 1)
            Add("Algorithm", r => r.Selected ?? "", info.AlgorithmNames.Max(n => n.Length) + 2);
        if (check)
            Add("Check", r => r.CheckPassed == false ? "Fail" : "Pass");

        void Add(string header, Func<Row, string> cell, int width = FieldWidth) =>
            _columns.Add((header, Math.Max(width, header.Length + 2), cell));
    }

    /// <summary>The line above a block when a run has several series.</summary>
    public static string BlockTitle(string series) => $"# algorithm: {series}";

    public string Header()
    {
        var line = new StringBuilder("# Size".PadRight(SizeWidth));
        foreach ((string header, int width, _) in _columns)
            line.Append(header.PadLeft(width));
        return line.ToString();
    }

    /// <summary>One row of this series.</summary>
    public string Line(Row row)
    {
        var line = new StringBuilder(row.Bytes.ToString(CultureInfo.InvariantCulture).PadRight(SizeWidth));
        foreach ((_, int width, Func<Row, string> cell) in _columns)
        {
            // A value wider than its column still gets a separating space.
            string text = cell(row);
            line.Append(' ', Math.Max(1, width - text.Length)).Append(text);
        }
        return line.ToString();
    }

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string F2(double? value) => value is { } v ? F2(v) : "-";
}
