using System.Reflection;
using CommandLine;

namespace Hpc.Launcher;

/// <summary>The command line cut in two: the launcher's options and the program with its arguments.</summary>
/// <param name="LauncherArgs">Launcher options in a canonical spelling CommandLineParser understands.</param>
/// <param name="Program">The first non-option token, or null when there is none.</param>
/// <param name="ProgramArgs">Everything after the program, untouched.</param>
internal sealed record SplitArguments(IReadOnlyList<string> LauncherArgs, string? Program, IReadOnlyList<string> ProgramArgs);

/// <summary>
/// Splits argv at the program, because everything after it belongs to the program even when it
/// looks like an option (<c>mpirun -np 2 prog --help</c> passes <c>--help</c> to prog). That
/// needs to know which launcher options consume a value, which is read from the attributes of
/// <see cref="LauncherOptions"/> so the two can never disagree.
/// </summary>
/// <remarks>
/// Also accepts Open MPI's single-dash long spellings (<c>-np 4</c>, <c>-tag-output</c>),
/// which CommandLineParser cannot: they are rewritten to <c>--np=4</c>, <c>--tag-output</c>.
/// </remarks>
internal static class ArgvSplitter
{
    private sealed record OptionInfo(string? ShortName, string? LongName, bool TakesValue);

    private static readonly OptionInfo[] Options = ReadOptions();

    /// <summary>Put before every option value handed to CommandLineParser; see <see cref="Unshield"/>.</summary>
    private const char ValueMarker = '=';

    /// <summary>An option value as the user wrote it, from the form bound by CommandLineParser.</summary>
    public static string Unshield(string bound) => bound.Length > 0 && bound[0] == ValueMarker ? bound[1..] : bound;

    /// <summary>Splits <paramref name="argv"/>; throws <see cref="UsageException"/> for an unknown option or a missing value.</summary>
    public static SplitArguments Split(IReadOnlyList<string> argv)
    {
        var launcher = new List<string>();
        int i = 0;
        while (i < argv.Count)
        {
            string token = argv[i];
            if (token == "--")
            {
                i++;
                break;
            }
            if (token.Length < 2 || token[0] != '-')
                break;

            i++;
            (OptionInfo option, string spelled, string? inlineValue) = Identify(token);
            if (!option.TakesValue)
            {
                if (inlineValue is not null)
                    throw new UsageException($"option '{spelled}' does not take a value (got '{token}')");
                launcher.Add(option.LongName is not null ? "--" + option.LongName : "-" + option.ShortName);
                continue;
            }

            string value;
            if (inlineValue is not null)
                value = inlineValue;
            else if (i < argv.Count)
                value = argv[i++];
            else
                throw new UsageException($"option '{spelled}' needs a value");

            // An empty value is always a mistake (an unset shell variable, typically), and
            // CommandLineParser would report it in its own terms.
            if (value.Length == 0)
                throw new UsageException($"option '{spelled}' needs a value (got an empty one)");

            // CommandLineParser's tokenizer would take a value starting with '-' for an option
            // and rejects one starting with white space. The split above already decided what
            // is a value, so every value is shielded by a marker that Unshield removes after binding.
            if (option.LongName is not null)
            {
                launcher.Add($"--{option.LongName}={ValueMarker}{value}");
            }
            else
            {
                launcher.Add("-" + option.ShortName);
                launcher.Add(ValueMarker + value);
            }
        }

        string? program = i < argv.Count ? argv[i] : null;
        string[] rest = i + 1 < argv.Count ? [.. argv.Skip(i + 1)] : [];
        return new SplitArguments(launcher, program, rest);
    }

    private static (OptionInfo Option, string Spelled, string? InlineValue) Identify(string token)
    {
        if (token.StartsWith("--", StringComparison.Ordinal))
        {
            (string name, string? value) = SplitAtEquals(token[2..]);
            OptionInfo? byLong = FindLong(name);
            return byLong is not null ? (byLong, "--" + name, value) : throw Unknown("--" + name);
        }

        string body = token[1..];
        if (body.Length == 1)
            return FindShort(body) is { } s ? (s, token, null) : throw Unknown(token);

        // Open MPI's single-dash long options: -np 4, -tag-output, -timeout=5.
        (string longName, string? longValue) = SplitAtEquals(body);
        if (FindLong(longName) is { } single)
            return (single, "-" + longName, longValue);

        // A value glued to a short option: -n4, -xFOO=bar.
        if (FindShort(body[..1]) is { TakesValue: true } glued)
            return (glued, "-" + body[..1], body[1..]);

        throw Unknown(token.Contains('=') ? token[..token.IndexOf('=')] : token);
    }

    private static (string Name, string? Value) SplitAtEquals(string text)
    {
        int eq = text.IndexOf('=');
        return eq < 0 ? (text, null) : (text[..eq], text[(eq + 1)..]);
    }

    /// <summary>True when <paramref name="token"/> is a launcher option that consumes the next word (for mpiexec's translation).</summary>
    public static bool TakesValue(string token)
    {
        if (token.Length < 2 || token[0] != '-' || token.Contains('='))
            return false;
        try
        {
            (OptionInfo option, _, string? inline) = Identify(token);
            return option.TakesValue && inline is null;
        }
        catch (UsageException)
        {
            return false;
        }
    }

    private static UsageException Unknown(string spelled)
    {
        string name = spelled.TrimStart('-');
        // A suggestion only for a near miss of a long name: one edit in a short word, two in a longer one.
        int allowed = name.Length <= 4 ? 1 : 2;
        string? closest = name.Length < 2 ? null : Options
            .Where(o => o.LongName is not null)
            .Select(o => (Name: o.LongName!, Distance: EditDistance(name, o.LongName!)))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name).FirstOrDefault();
        return new($"unknown option '{spelled}'" + (closest is null ? "" : $" (did you mean --{closest}?)"));
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int EditDistance(string a, string b)
    {
        int[] previous = [.. Enumerable.Range(0, b.Length + 1)];
        int[] current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static OptionInfo? FindLong(string name) =>
        Array.Find(Options, o => string.Equals(o.LongName, name, StringComparison.Ordinal));

    private static OptionInfo? FindShort(string name) =>
        Array.Find(Options, o => string.Equals(o.ShortName, name, StringComparison.Ordinal));

    private static OptionInfo[] ReadOptions()
    {
        var options = new List<OptionInfo>();
        foreach (PropertyInfo property in typeof(LauncherOptions).GetProperties())
        {
            if (property.GetCustomAttribute<OptionAttribute>() is not { } attribute)
                continue;
            options.Add(new OptionInfo(
                string.IsNullOrEmpty(attribute.ShortName) ? null : attribute.ShortName,
                string.IsNullOrEmpty(attribute.LongName) ? null : attribute.LongName,
                property.PropertyType != typeof(bool)));
        }
        // CommandLineParser's built-in verbs, plus the -h every user tries first.
        options.Add(new OptionInfo("h", "help", false));
        options.Add(new OptionInfo(null, "version", false));
        return [.. options];
    }
}
