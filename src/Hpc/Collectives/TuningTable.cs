namespace Hpc.Collectives;

/// <summary>
/// Measured algorithm choices, read from the file named by <c>HPC_TUNE_FILE</c> (written by
/// <c>hpc-bench tune</c>). The format is plain text, one rule per line:
/// <code>
/// # collective  ranks  min_bytes  algorithm
/// allreduce     8      0          recursive_doubling
/// allreduce     8      4096       rabenseifner
/// allreduce     8      1048576    ring
/// bcast         16     0          binomial
/// </code>
/// Fields are separated by spaces or tabs; <c>#</c> starts a comment; blank lines are ignored.
/// A rule applies to a call on at least <c>ranks</c> ranks with at least <c>min_bytes</c> bytes
/// (bytes as defined in <see cref="SelectionInput"/>). Among the rules that apply, the one
/// with the largest <c>ranks</c>, then the largest <c>min_bytes</c>, wins; when none applies the
/// built-in table decides. Unknown collectives or algorithms are errors naming the line.
/// </summary>
internal sealed class TuningTable
{
    public readonly record struct Rule(Collective Collective, int Ranks, long MinBytes, int Algorithm);

    private readonly Rule[] _rules;

    private TuningTable(Rule[] rules) => _rules = rules;

    public static TuningTable Empty { get; } = new([]);

    public IReadOnlyList<Rule> Rules => _rules;

    /// <summary>The algorithm value the table picks, or 0 (no rule applies).</summary>
    public int Lookup(Collective collective, int ranks, long bytes)
    {
        Rule? best = null;
        foreach (Rule rule in _rules)
        {
            if (rule.Collective != collective || rule.Ranks > ranks || rule.MinBytes > bytes)
                continue;
            if (best is null || rule.Ranks > best.Value.Ranks || (rule.Ranks == best.Value.Ranks && rule.MinBytes >= best.Value.MinBytes))
                best = rule;
        }
        return best?.Algorithm ?? 0;
    }

    /// <summary>Reads a tuning file.</summary>
    /// <exception cref="FormatException">A line is malformed; the message names the file and line.</exception>
    public static TuningTable Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses tuning-file text; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="FormatException">A line is malformed; the message names the line.</exception>
    public static TuningTable Parse(string text, string source = "tuning file")
    {
        var rules = new List<Rule>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0)
                line = line[..hash];
            string[] fields = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
                continue;
            try
            {
                rules.Add(ParseRule(fields));
            }
            catch (FormatException e)
            {
                throw new FormatException($"{source}:{i + 1}: {e.Message}");
            }
        }
        return new TuningTable([.. rules]);
    }

    private static Rule ParseRule(string[] fields)
    {
        if (fields.Length != 4)
            throw new FormatException($"expected 'collective ranks min_bytes algorithm' but found {fields.Length} field(s)");
        CollectiveCatalog.Entry entry = CollectiveCatalog.Parse(fields[0]);
        if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int ranks) || ranks < 1)
            throw new FormatException($"ranks '{fields[1]}' is not a positive integer");
        if (!long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out long minBytes))
            throw new FormatException($"min_bytes '{fields[2]}' is not a non-negative integer");
        int algorithm = CollectiveCatalog.ParseAlgorithm(entry, fields[3]);
        return new Rule(entry.Collective, ranks, minBytes, algorithm);
    }
}
