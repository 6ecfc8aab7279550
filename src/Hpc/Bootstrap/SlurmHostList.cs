namespace Hpc.Bootstrap;

/// <summary>
/// Slurm's compressed lists, shared by mpirun (the allocation's hosts) and direct launch (the
/// step's nodes): host lists such as <c>node[01-03,07]</c> and task counts such as <c>2(x3),1</c>.
/// Errors name the variable the text came from and say what a valid value looks like.
/// </summary>
internal static class SlurmHostList
{
    /// <summary>
    /// Expands Slurm's compressed host list: <c>node[01-03,07]</c> is node01, node02, node03,
    /// node07; <c>a[1-2],b3</c> is a1, a2, b3. A range keeps the width of its lower bound
    /// (<c>[08-10]</c> is 08, 09, 10); several bracket groups in one name multiply out.
    /// </summary>
    /// <exception cref="FormatException">The list is malformed.</exception>
    public static IReadOnlyList<string> Expand(string list, string variable)
    {
        var result = new List<string>();
        foreach (string name in SplitTopLevel(list, list, variable))
            result.AddRange(ExpandName(name, list, variable));
        return result;
    }

    /// <summary>Expands <c>2(x3),1</c> to 2, 2, 2, 1.</summary>
    /// <exception cref="FormatException">The text is malformed.</exception>
    public static IReadOnlyList<int> ExpandTasksPerNode(string text, string variable)
    {
        var result = new List<int>();
        FormatException Bad() => new($"{variable}='{text}' is malformed (expected e.g. 2(x3),1)");
        foreach (string part in text.Split(','))
        {
            string item = part.Trim();
            int repeat = 1;
            int paren = item.IndexOf('(');
            if (paren >= 0)
            {
                if (!item.EndsWith(')') || item.Length < paren + 4 || item[paren + 1] != 'x'
                    || !int.TryParse(item.AsSpan(paren + 2, item.Length - paren - 3), NumberStyles.None, CultureInfo.InvariantCulture, out repeat)
                    || repeat < 1)
                    throw Bad();
                item = item[..paren];
            }
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
                throw Bad();
            for (int i = 0; i < repeat; i++)
                result.Add(count);
        }
        return result;
    }

    /// <summary>Splits at commas outside brackets.</summary>
    private static List<string> SplitTopLevel(string text, string whole, string variable)
    {
        var parts = new List<string>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '[')
                depth++;
            else if (c == ']' && --depth < 0)
                throw Malformed(whole, variable);
            else if (c == ',' && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        if (depth != 0)
            throw Malformed(whole, variable);
        parts.Add(text[start..]);
        foreach (string part in parts)
        {
            if (part.Trim().Length == 0)
                throw Malformed(whole, variable);
        }
        return [.. parts.Select(p => p.Trim())];
    }

    private static IEnumerable<string> ExpandName(string name, string whole, string variable)
    {
        int open = name.IndexOf('[');
        if (open < 0)
            return [name];
        int close = name.IndexOf(']', open);
        if (close < 0)
            throw Malformed(whole, variable);
        string prefix = name[..open];
        string ranges = name[(open + 1)..close];
        string suffix = name[(close + 1)..];

        var values = new List<string>();
        foreach (string range in ranges.Split(','))
        {
            int dash = range.IndexOf('-');
            string low = dash < 0 ? range : range[..dash];
            string high = dash < 0 ? range : range[(dash + 1)..];
            if (!IsDigits(low) || !IsDigits(high)
                || !long.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out long from)
                || !long.TryParse(high, NumberStyles.None, CultureInfo.InvariantCulture, out long to)
                || to < from || to - from > 100_000)
                throw Malformed(whole, variable);
            for (long n = from; n <= to; n++)
                values.Add(n.ToString(CultureInfo.InvariantCulture).PadLeft(low.Length, '0'));
        }
        var expanded = new List<string>();
        foreach (string value in values)
        {
            foreach (string rest in ExpandName(suffix, whole, variable))
                expanded.Add(new StringBuilder(prefix).Append(value).Append(rest).ToString());
        }
        return expanded;
    }

    private static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    private static FormatException Malformed(string list, string variable) =>
        new($"{variable}='{list}' is not a Slurm host list (expected e.g. node[01-03,07])");
}
