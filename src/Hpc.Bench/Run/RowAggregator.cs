using Hpc.Bench.Statistics;

namespace Hpc.Bench.Run;

/// <summary>
/// Turns every rank's mean time for one size into a table row, as OSU reports a collective:
/// average, minimum and maximum over ranks of each rank's mean per call. Point-to-point rows use
/// rank 0's time (as ompi_bench and osu_latency print it) and the pair's extremes. Percentiles
/// are taken the same way as the mean: each rank's own P50/P90/P99 over its iterations, then the
/// average over ranks (rank 0's for point-to-point).
/// </summary>
internal static class RowAggregator
{
    /// <param name="info">The benchmark.</param>
    /// <param name="bytes">Benchmark size.</param>
    /// <param name="iterations">Timed calls per rank.</param>
    /// <param name="means">Each rank's mean µs per call, by rank; NaN for ranks that took no part.</param>
    /// <param name="selected">Algorithm the library chose, for an "auto" series.</param>
    /// <param name="checkPassed">With --check, whether every rank's results were right.</param>
    /// <param name="tails">Each rank's percentiles, by rank (NaN for ranks that took no part); null: not measured.</param>
    public static Row Aggregate(BenchmarkInfo info, long bytes, int iterations, IReadOnlyList<double> means,
        string? selected = null, bool? checkPassed = null, IReadOnlyList<Tail>? tails = null)
    {
        double[] timed = [.. means.Where(m => !double.IsNaN(m))];
        if (timed.Length == 0)
            throw new ArgumentException("no rank reported a time", nameof(means));
        double avg = info.IsPointToPoint ? means[0] : timed.Average();
        int ranks = means.Count;
        return new Row(
            bytes,
            avg,
            timed.Min(),
            timed.Max(),
            iterations,
            Bandwidth.AlgorithmGBs(bytes, avg),
            Bandwidth.BusGBs(info.Kind, ranks, bytes, avg),
            selected,
            checkPassed,
            Combine(tails, t => t.P50Us),
            Combine(tails, t => t.P90Us),
            Combine(tails, t => t.P99Us));

        double? Combine(IReadOnlyList<Tail>? all, Func<Tail, double> value)
        {
            if (all is null || all.Count == 0)
                return null;
            if (info.IsPointToPoint)
                return value(all[0]);
            double[] known = [.. all.Select(value).Where(v => !double.IsNaN(v))];
            return known.Length == 0 ? null : known.Average();
        }
    }
}
