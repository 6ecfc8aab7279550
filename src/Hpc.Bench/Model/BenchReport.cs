namespace Hpc.Bench.Model;

/// <summary>
/// One benchmark run as data: what ran where, and one series of rows per algorithm. The JSON and
/// CSV files, the comparison with Open MPI and the plots all read and write this shape.
/// </summary>
internal sealed record BenchReport
{
    /// <summary>The runtime measured: "Hpc", or "Open MPI" for an ompi_bench table.</summary>
    public required string Runtime { get; init; }

    public required string Benchmark { get; init; }

    public required int Ranks { get; init; }

    public string Datatype { get; init; } = "float";

    /// <summary>Transport the ranks used ("shm", "tcp", "auto"), when known.</summary>
    public string? Transport { get; init; }

    /// <summary>When the run started, ISO 8601 (UTC).</summary>
    public string? Date { get; init; }

    public string? Host { get; init; }

    /// <summary>The runtime's version (Hpc's assembly version), when known.</summary>
    public string? Version { get; init; }

    /// <summary>CPU-bound threads that ran beside the benchmark (<c>--load</c>), when any.</summary>
    public int? Load { get; init; }

    public required IReadOnlyList<Series> Series { get; init; }

    /// <summary>Records with list members compare lists by reference; tests compare content with this.</summary>
    public bool ContentEquals(BenchReport other) =>
        this with { Series = [] } == other with { Series = [] }
        && Series.Count == other.Series.Count
        && Series.Zip(other.Series).All(p => p.First.ContentEquals(p.Second));
}

/// <summary>The rows measured with one algorithm ("auto" when the library chose per call).</summary>
internal sealed record Series(string Algorithm, IReadOnlyList<Row> Rows)
{
    public bool ContentEquals(Series other) => Algorithm == other.Algorithm && Rows.SequenceEqual(other.Rows);
}

/// <summary>
/// One size. Times are microseconds per call: each rank's mean over <see cref="Iterations"/>
/// calls, then the average (and the extremes) over ranks, as OSU reports them.
/// </summary>
/// <param name="Bytes">Benchmark size (the whole array for per-rank-block collectives; 0 for barrier).</param>
/// <param name="AvgUs">Average over ranks of each rank's mean time per call.</param>
/// <param name="MinUs">Smallest rank mean.</param>
/// <param name="MaxUs">Largest rank mean.</param>
/// <param name="Iterations">Timed calls per rank.</param>
/// <param name="AlgbwGBs">nccl-tests algbw, GB/s.</param>
/// <param name="BusbwGBs">nccl-tests busbw, GB/s.</param>
/// <param name="Selected">The algorithm the library chose, when the series is "auto".</param>
/// <param name="CheckPassed">With --check, whether every result of every rank was right.</param>
/// <param name="P50Us">Median of the per-iteration times (OSU 7.3's -z), averaged over ranks as the mean is; null when not measured (ompi_bench tables).</param>
/// <param name="P90Us">90th percentile of the per-iteration times, likewise.</param>
/// <param name="P99Us">99th percentile of the per-iteration times, likewise.</param>
internal sealed record Row(
    long Bytes,
    double AvgUs,
    double MinUs,
    double MaxUs,
    int Iterations,
    double AlgbwGBs,
    double BusbwGBs,
    string? Selected = null,
    bool? CheckPassed = null,
    double? P50Us = null,
    double? P90Us = null,
    double? P99Us = null);
