namespace Hpc.Bench.Statistics;

/// <summary>
/// Percentiles of per-iteration times, as OSU 7.3's <c>-z</c> reports them. Nearest-rank
/// definition: the P-th percentile of n sorted samples is the sample at 1-based rank
/// ⌈P/100 · n⌉ (at least 1), so every reported value is a time that was really measured (no
/// interpolation between two calls), P50 of an even count is the lower middle, and P100 is the
/// maximum.
/// </summary>
internal static class Percentiles
{
    /// <summary>The 1-based rank of the <paramref name="percent"/>-th percentile among <paramref name="count"/> samples.</summary>
    public static int NearestRank(double percent, int count)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "no samples");
        if (!(percent > 0 && percent <= 100))
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "a percentile is above 0 and at most 100");
        // The small tolerance keeps 90 % of 10 at rank 9, not 10 (0.9 * 10 is 9.000000000000002).
        int rank = (int)Math.Ceiling(percent / 100 * count - 1e-9);
        return Math.Clamp(rank, 1, count);
    }

    /// <summary>The <paramref name="percent"/>-th percentile of <paramref name="sorted"/> (ascending).</summary>
    public static double OfSorted(ReadOnlySpan<double> sorted, double percent) =>
        sorted[NearestRank(percent, sorted.Length) - 1];

    /// <summary>Sorts <paramref name="samples"/> in place and returns its P50, P90 and P99.</summary>
    public static Tail Summarize(Span<double> samples)
    {
        samples.Sort();
        return new Tail(OfSorted(samples, 50), OfSorted(samples, 90), OfSorted(samples, 99));
    }
}

/// <summary>The tail of one rank's per-iteration times for one size, µs.</summary>
internal readonly record struct Tail(double P50Us, double P90Us, double P99Us)
{
    /// <summary>No per-iteration times (a rank outside a point-to-point pair).</summary>
    public static Tail None { get; } = new(double.NaN, double.NaN, double.NaN);
}
