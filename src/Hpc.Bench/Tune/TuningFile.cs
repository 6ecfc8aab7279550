using System.Text;

namespace Hpc.Bench.Tune;

/// <summary>
/// Writes rules in the library's tuning-file format (Hpc.Collectives.TuningTable: one
/// <c>collective ranks min_bytes algorithm</c> rule per line, <c>#</c> comments), keeping the
/// rules an existing file holds for other rank counts, so running <c>hpc-bench tune</c> at np 2,
/// 4 and 8 into one file builds one table.
/// </summary>
internal static class TuningFile
{
    /// <exception cref="FormatException">A rule line of the existing file does not have four fields or a numeric rank count.</exception>
    public static string Merge(string? existing, int ranks, IReadOnlyList<TuningRule> rules, IEnumerable<string> comments)
    {
        var kept = new List<TuningRule>();
        string[] lines = (existing ?? "").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.IndexOf('#') is >= 0 and int hash)
                line = line[..hash];
            string[] f = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 0)
                continue;
            if (f.Length != 4 || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int r)
                || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out long minBytes))
                throw new FormatException($"existing tuning file, line {i + 1}: expected 'collective ranks min_bytes algorithm'");
            if (r != ranks)
                kept.Add(new TuningRule(f[0], r, minBytes, f[3]));
        }

        var text = new StringBuilder();
        foreach (string comment in comments)
            text.Append("# ").Append(comment).Append('\n');
        text.Append("# collective      ranks   min_bytes   algorithm\n");
        int Order(string collective) => BenchmarkInfo.Find(collective) is { } info ? (int)info.Kind : int.MaxValue;
        foreach (TuningRule rule in kept.Concat(rules).OrderBy(r => Order(r.Collective)).ThenBy(r => r.Ranks).ThenBy(r => r.MinBytes))
            text.Append(CultureInfo.InvariantCulture, $"{rule.Collective,-16}  {rule.Ranks,5}  {rule.MinBytes,10}   {rule.Algorithm}\n");
        return text.ToString();
    }
}
