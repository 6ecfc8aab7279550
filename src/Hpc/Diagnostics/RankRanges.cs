namespace Hpc.Diagnostics;

/// <summary>
/// Rank lists in the compact form people read in reports and write on command lines:
/// <c>0-2,4-7</c> for ranks 0, 1, 2, 4, 5, 6 and 7.
/// </summary>
internal static class RankRanges
{
    /// <summary>Sorted, duplicates dropped, runs of consecutive ranks written as <c>first-last</c>.</summary>
    public static string Format(IEnumerable<int> ranks)
    {
        int[] sorted = [.. ranks.Distinct().Order()];
        var text = new StringBuilder();
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1] == sorted[j] + 1)
                j++;
            if (text.Length > 0)
                text.Append(',');
            text.Append(sorted[i].ToString(CultureInfo.InvariantCulture));
            if (j > i)
                text.Append(j == i + 1 ? ',' : '-').Append(sorted[j].ToString(CultureInfo.InvariantCulture));
            i = j + 1;
        }
        return text.ToString();
    }

    /// <summary>"rank 3" or "ranks 0-2,4-7".</summary>
    public static string Subject(IReadOnlyCollection<int> ranks) =>
        (ranks.Count == 1 ? "rank " : "ranks ") + Format(ranks);

    /// <summary>The ranks of a text written by <see cref="Format"/>.</summary>
    /// <exception cref="FormatException">The text is not a list of ranks and ranges.</exception>
    public static int[] Parse(string text)
    {
        var ranks = new List<int>();
        if (text.Length == 0)
            return [];
        foreach (string part in text.Split(','))
        {
            int dash = part.IndexOf('-');
            if (dash < 0)
            {
                ranks.Add(int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture));
                continue;
            }
            int first = int.Parse(part.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture);
            int last = int.Parse(part.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture);
            if (last < first)
                throw new FormatException($"'{part}' is not a rank range (first-last)");
            for (int r = first; r <= last; r++)
                ranks.Add(r);
        }
        return [.. ranks];
    }
}
