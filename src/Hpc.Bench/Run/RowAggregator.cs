using Hpc.Bench.Model;

namespace Hpc.Bench.Run;

/// <summary>
/// Turns every rank's mean time for one size into a table row, as OSU reports a collective:
/// average, minimum and maximum over ranks of each rank's mean per call. Point-to-point rows use
/// rank 0's time (as ompi_bench and osu_latency print it) and the pair's extremes.
/// </summary>
internal static class RowAggregator
{
    /// <param name="info">The benchmark.</param>
    /// <param name="bytes">Benchmark size.</param>
    /// <param name="iterations">Timed calls per rank.</param>
    /// <param name="means">Each rank's mean µs per call, by rank; NaN for ranks that took no part.</param>
    /// <param name="selected">Algorithm the library chose, for an "auto" series.</param>
    /// <param name="checkPassed">With --check, whether every rank's results were right.</param>
    public static Row Aggregate(BenchmarkInfo info, long bytes, int iterations, IReadOnlyList<double> means,
        string? selected = null, bool? checkPassed = null)
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
            checkPassed);
    }
}
