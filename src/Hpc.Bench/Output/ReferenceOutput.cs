namespace Hpc.Bench.Output;

/// <summary>
/// Reads the table that ../shared/anchors/ompi_bench.c prints (<c># allreduce np=4</c>, a header,
/// then <c>size avg_us [busbw]</c> rows) into a report of runtime "Open MPI", so it can be
/// compared and plotted beside hpc-bench's own results. Lines that are not part of the table
/// (mpirun's warnings) are skipped.
/// </summary>
internal static class ReferenceOutput
{
    public const string Runtime = "Open MPI";

    /// <summary>Series name: Open MPI's coll/tuned chooses its own algorithm per call.</summary>
    public const string Algorithm = "default";

    /// <exception cref="FormatException">No title line or no rows; the message names <paramref name="source"/>.</exception>
    public static BenchReport Parse(string text, string source = "ompi_bench output")
    {
        BenchmarkInfo? info = null;
        int ranks = 0;
        var rows = new List<Row>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith('#'))
            {
                string[] title = line.TrimStart('#').Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (info is null && title.Length == 2 && title[1].StartsWith("np=", StringComparison.Ordinal))
                {
                    info = BenchmarkInfo.Find(title[0]) ?? throw new FormatException($"{source}: unknown operation '{title[0]}'");
                    ranks = int.Parse(title[1][3..], CultureInfo.InvariantCulture);
                }
                continue;
            }
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (info is null || fields.Length < 2
                || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long bytes)
                || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double avg))
                continue;
            rows.Add(new Row(
                bytes, avg, avg, avg,
                IterationPolicy.Iterations(info.Kind, bytes),
                Bandwidth.AlgorithmGBs(bytes, avg),
                Bandwidth.BusGBs(info.Kind, ranks, bytes, avg)));
        }
        if (info is null)
            throw new FormatException($"{source}: no '# OP np=N' title line; not an ompi_bench table");
        if (rows.Count == 0)
            throw new FormatException($"{source}: the ompi_bench table has no rows");
        return new BenchReport
        {
            Runtime = Runtime,
            Benchmark = info.Name,
            Ranks = ranks,
            Series = [new Series(Algorithm, rows)],
        };
    }
}
