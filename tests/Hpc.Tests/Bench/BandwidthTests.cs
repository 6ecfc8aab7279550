using Hpc.Bench.Model;
using Hpc.Bench.Run;
using Xunit;

namespace Hpc.Tests.Bench;

public class BandwidthTests
{
    [Theory]
    [InlineData("allreduce", 2, 1.0)]
    [InlineData("allreduce", 4, 1.5)]
    [InlineData("allreduce", 8, 1.75)]
    [InlineData("allgather", 4, 0.75)]
    [InlineData("allgather", 8, 0.875)]
    [InlineData("reduce_scatter", 4, 0.75)]
    [InlineData("alltoall", 2, 0.5)]
    [InlineData("gather", 4, 0.75)]
    [InlineData("scatter", 4, 0.75)]
    [InlineData("bcast", 8, 1.0)]
    [InlineData("reduce", 8, 1.0)]
    [InlineData("latency", 2, 1.0)]
    [InlineData("bibw", 2, 2.0)]
    public void BusFactorsAreNcclTests(string benchmark, int ranks, double factor) =>
        Assert.Equal(factor, Bandwidth.BusFactor(BenchmarkInfo.Find(benchmark)!.Kind, ranks), 12);

    [Fact]
    public void AlgbwIsSizeOverTime()
    {
        // 1 MiB in 100 µs: 1048576 / 100e-6 s = 10.48576 GB/s.
        Assert.Equal(10.48576, Bandwidth.AlgorithmGBs(1 << 20, 100), 9);
        Assert.Equal(10.48576 * 1.5, Bandwidth.BusGBs(BenchmarkKind.Allreduce, 4, 1 << 20, 100), 9);
        Assert.Equal(0, Bandwidth.AlgorithmGBs(0, 0));
    }

    [Fact]
    public void CollectiveRowsAverageTheRanksMeans()
    {
        Row row = RowAggregator.Aggregate(BenchmarkInfo.Of(BenchmarkKind.Allreduce), 4096, 2000, [10, 20, 30, 40], "ring", true);
        Assert.Equal(25, row.AvgUs, 12);
        Assert.Equal(10, row.MinUs);
        Assert.Equal(40, row.MaxUs);
        Assert.Equal(4096 / 25.0 / 1e3, row.AlgbwGBs, 12);
        Assert.Equal(4096 / 25.0 / 1e3 * 1.5, row.BusbwGBs, 12);
        Assert.Equal("ring", row.Selected);
    }

    [Fact]
    public void PointToPointRowsReportRankZero()
    {
        Row row = RowAggregator.Aggregate(BenchmarkInfo.Of(BenchmarkKind.Latency), 64, 2000, [2, 3, double.NaN, double.NaN]);
        Assert.Equal(2, row.AvgUs);
        Assert.Equal(2, row.MinUs);
        Assert.Equal(3, row.MaxUs);
    }
}
