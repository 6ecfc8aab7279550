using System.Globalization;
using System.Text;
using Hpc.Bench.Model;

namespace Hpc.Bench.Output;

/// <summary>
/// OSU's text table: a <c># Size  Avg Latency(us) …</c> header, then one row per size with the
/// size left-aligned in 10 columns and each value right-aligned in 18 (OSU's FIELD_WIDTH, two
/// decimals). Several algorithms make several column groups in one table, each header suffixed
/// with the algorithm, e.g. <c>Avg Latency(us)[ring]</c>.
/// </summary>
internal sealed class TableWriter
{
    private const int SizeWidth = 10;
    private const int FieldWidth = 18;

    private readonly List<(string Header, int Width, int Series, Func<Row, string> Cell)> _columns = [];

    /// <param name="info">The benchmark.</param>
    /// <param name="series">Series names, in order (one per algorithm, "auto" when the library chooses).</param>
    /// <param name="full">OSU's -f: min, max and iterations too.</param>
    /// <param name="check">A Pass/Fail column per series.</param>
    public TableWriter(BenchmarkInfo info, IReadOnlyList<string> series, bool full, bool check)
    {
        for (int s = 0; s < series.Count; s++)
        {
            string suffix = series.Count > 1 ? $"[{series[s]}]" : "";
            Add("Avg Latency(us)", r => F2(r.AvgUs));
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
            if (series[s] == "auto" && info.AlgorithmNames.Count > 1)
                Add("Algorithm", r => r.Selected ?? "", info.AlgorithmNames.Max(n => n.Length) + 2);
            if (check)
                Add("Check", r => r.CheckPassed == false ? "Fail" : "Pass");

            void Add(string header, Func<Row, string> cell, int width = FieldWidth) =>
                _columns.Add((header + suffix, Math.Max(width, header.Length + suffix.Length + 2), s, cell));
        }
    }

    public string Header()
    {
        var line = new StringBuilder("# Size".PadRight(SizeWidth));
        foreach ((string header, int width, _, _) in _columns)
            line.Append(header.PadLeft(width));
        return line.ToString();
    }

    /// <summary>One row: <paramref name="rows"/> holds the series' rows for this size, in series order.</summary>
    public string Line(long bytes, IReadOnlyList<Row> rows)
    {
        var line = new StringBuilder(bytes.ToString(CultureInfo.InvariantCulture).PadRight(SizeWidth));
        foreach ((_, int width, int series, Func<Row, string> cell) in _columns)
        {
            // A value wider than its column still gets a separating space.
            string text = cell(rows[series]);
            line.Append(' ', Math.Max(1, width - text.Length)).Append(text);
        }
        return line.ToString();
    }

    private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);
}
