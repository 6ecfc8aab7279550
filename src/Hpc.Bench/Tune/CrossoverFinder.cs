namespace Hpc.Bench.Tune;

/// <summary>A line of a tuning file: from <paramref name="MinBytes"/> up, on at least <paramref name="Ranks"/> ranks, use <paramref name="Algorithm"/>.</summary>
internal sealed record TuningRule(string Collective, int Ranks, long MinBytes, string Algorithm);

/// <summary>
/// Turns the fastest algorithm per measured size into tuning rules: one rule where the sweep
/// starts and one at every size where the winner changes (the crossover), in the library's
/// bytes convention. A single size whose winner differs from both agreeing neighbours (or, for
/// the smallest size, from the two next ones) is taken as noise and given to the neighbours, so
/// a shared machine's hiccup does not become a rule.
/// </summary>
internal static class CrossoverFinder
{
    /// <param name="info">The collective.</param>
    /// <param name="ranks">Ranks the measurement ran on.</param>
    /// <param name="winners">Benchmark sizes, ascending, each with its fastest algorithm.</param>
    public static IReadOnlyList<TuningRule> Rules(BenchmarkInfo info, int ranks, IReadOnlyList<(long Bytes, string Winner)> winners)
    {
        string[] smoothed = [.. winners.Select(w => w.Winner)];
        if (smoothed.Length >= 3 && smoothed[1] == smoothed[2])
            smoothed[0] = smoothed[1];
        for (int k = 1; k + 1 < smoothed.Length; k++)
        {
            if (smoothed[k - 1] == winners[k + 1].Winner && smoothed[k] != smoothed[k - 1])
                smoothed[k] = smoothed[k - 1];
        }
        string collective = info.Name;
        var rules = new List<TuningRule>();
        for (int k = 0; k < smoothed.Length; k++)
        {
            if (k == 0)
                rules.Add(new TuningRule(collective, ranks, 0, smoothed[0]));
            else if (smoothed[k] != smoothed[k - 1])
                rules.Add(new TuningRule(collective, ranks, info.SelectorBytes(winners[k].Bytes, ranks), smoothed[k]));
        }
        return rules;
    }
}
