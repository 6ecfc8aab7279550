using System.Xml.Linq;
using Hpc.Bench.Compare;
using Hpc.Bench.Model;
using Hpc.Bench.Output;
using Xunit;

namespace Hpc.Tests.Bench;

public class ReportFormatTests
{
    private static readonly BenchReport Sample = new()
    {
        Runtime = "Hpc",
        Benchmark = "allreduce",
        Ranks = 4,
        Datatype = "float",
        Transport = "shm",
        Date = "2026-11-22T10:00:00Z",
        Host = "node, \"one\"",
        Series =
        [
            new Series("ring", [new Row(4, 12.345678901234, 11.1, 13.3, 2000, 0.1 / 3, 0.05, null, true), new Row(16, 1e-3, 1e-4, 2e-3, 2000, 16, 24, null, false, 0.9e-3, 1.5e-3, 1.9e-3)]),
            new Series("auto", [new Row(4, 0.5, 0.4, 0.6, 20, 0.008, 0.012, "recursive_doubling")]),
        ],
    };

    [Fact]
    public void JsonRoundTrips()
    {
        string json = JsonReport.Serialize(Sample);
        Assert.Contains("\"busbwGBs\"", json);
        Assert.Contains("\"p99Us\"", json);
        Assert.True(JsonReport.Deserialize(json).ContentEquals(Sample));
    }

    [Fact]
    public void CsvRoundTrips()
    {
        string csv = CsvReport.Serialize(Sample);
        Assert.StartsWith(CsvReport.HeaderLine + "\n", csv);
        Assert.Equal(4, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(CsvReport.Deserialize(csv).ContentEquals(Sample));
    }

    [Fact]
    public void BrokenFilesNameTheLine()
    {
        Assert.Contains("x.csv:1", Assert.Throws<FormatException>(() => CsvReport.Deserialize("a,b\n", "x.csv")).Message);
        Assert.Contains("x.json", Assert.Throws<FormatException>(() => JsonReport.Deserialize("{", "x.json")).Message);
    }

    [Fact]
    public void OmpiBenchTablesAreRead()
    {
        const string text = """
            # allreduce np=4
            # Size              Avg(us)    busbw(GB/s)
              4                   19.00           0.00
              1048576            500.00           3.15
            """;
        BenchReport report = ReferenceOutput.Parse(text);
        Assert.Equal(("Open MPI", "allreduce", 4), (report.Runtime, report.Benchmark, report.Ranks));
        Row big = report.Series[0].Rows[1];
        Assert.Equal(500, big.AvgUs);
        Assert.Equal(1048576 / 500.0 / 1e3 * 1.5, big.BusbwGBs, 9);
        Assert.Equal("latency", ReferenceOutput.Parse("# pingpong np=2\n  4  0.50  0.01\n").Benchmark);
        Assert.Throws<FormatException>(() => ReferenceOutput.Parse("hello"));
    }

    [Fact]
    public void MediansAndRatiosCompareRuntimes()
    {
        BenchReport Hpc(double t) => Sample with { Series = [new Series("auto", [new Row(1024, t, t, t, 2000, 0, 0)])] };
        BenchReport Ompi(double t) => ReferenceOutput.Parse($"# allreduce np=4\n 1024 {t}\n");
        BenchReport[] reports = [Hpc(30), Ompi(10), Hpc(20), Ompi(12), Hpc(100), Ompi(11)];

        IReadOnlyList<MedianSeries> medians = Comparison.Medians(reports);

        Assert.Equal(["Hpc", "Open MPI"], medians.Select(m => m.Label));
        Assert.Equal(30, medians[0].Rows[0].AvgUs);
        Assert.Equal(11, medians[1].Rows[0].AvgUs);
        Assert.Equal(1024 / 30.0 / 1e3 * 1.5, medians[0].Rows[0].BusbwGBs, 9);
        string table = CompareCommand.Table(reports[0], medians, null);
        Assert.Contains("Hpc/Open MPI", table);
        Assert.Contains((30 / 11.0).ToString("F2", System.Globalization.CultureInfo.InvariantCulture), table);
    }

    [Fact]
    public void DifferentBenchmarksAreNotCompared() =>
        Assert.Throws<Hpc.Bench.Cli.UsageException>(() => Comparison.Medians([Sample, ReferenceOutput.Parse("# bcast np=4\n 4 1\n")]));

    [Fact]
    public void PlotIsWellFormedSvgWithLegendAxesAndCaption()
    {
        BenchReport[] reports = [Sample, ReferenceOutput.Parse("# allreduce np=4\n 4 1\n 16 2\n")];
        string svg = BenchPlot.RenderSvg(ReportFiles.PlotTitle(reports), ReportFiles.PlotCaption(reports), Comparison.PlotLines(reports));
        XDocument doc = XDocument.Parse(svg);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        string text = string.Concat(doc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value + "\n"));
        Assert.Contains("Hpc ring", text);
        Assert.Contains("Hpc auto", text);
        Assert.Contains("Open MPI", text);
        Assert.Contains("Message size (bytes)", text);
        Assert.Contains("Latency (µs)", text);
        Assert.Contains("Bus bandwidth (GB/s)", text);
        Assert.Contains("allreduce, 4 ranks, float (Hpc vs Open MPI)", text);
        // The caption: version, algorithms, host and date.
        Assert.Contains($"Hpc {Hpc.Bench.Run.BenchmarkRunner.HpcVersion}", text);
        Assert.Contains("algorithm ring, auto", text);
        Assert.Contains("host node, \"one\"", text);
        Assert.Contains("2026-11-22T10:00:00Z", text);
        // The min-max band of the ring series (min 11.1, max 13.3 µs at 4 B) is a filled polygon.
        Assert.Contains(doc.Descendants(), e => e.Name.LocalName == "path" && (string?)e.Attribute("fill-opacity") is { } o && double.Parse(o, System.Globalization.CultureInfo.InvariantCulture) < 0.5);

        string bars = BenchPlot.RenderSvg("barrier", "caption", [new PlotLine("Hpc", false, [new PlotPoint(0, 5.0, 4.0, 6.0, 0.0)]), new PlotLine("Open MPI", true, [new PlotPoint(0, 1.0, 1.0, 1.0, 0.0)])]);
        XDocument barsDoc = XDocument.Parse(bars);
        Assert.Contains(barsDoc.Descendants(), e => e.Name.LocalName is "rect" or "path");
        Assert.Contains("5.00 µs", string.Concat(barsDoc.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value)));
    }

    [Fact]
    public void PlotRendersAsPng()
    {
        byte[] png = BenchPlot.RenderPng("allreduce", "caption", Comparison.PlotLines([Sample]));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.True(png.Length > 10_000, $"{png.Length} bytes");
    }

    [Fact]
    public void CsvFilesWithoutPercentilesStillLoad()
    {
        string old = CsvReport.HeaderLineWithoutPercentiles + "\nHpc,allreduce,2,float,,,,auto,4,1.5,1,2,2000,0,0,,\n";
        Row row = CsvReport.Deserialize(old).Series[0].Rows[0];
        Assert.Equal(1.5, row.AvgUs);
        Assert.Null(row.P99Us);
    }

    [Theory]
    [InlineData(4, "4")]
    [InlineData(1024, "1K")]
    [InlineData(262144, "256K")]
    [InlineData(64L << 20, "64M")]
    public void SizeLabelsAreShort(long bytes, string label) => Assert.Equal(label, BenchPlot.SizeLabel(bytes));
}
