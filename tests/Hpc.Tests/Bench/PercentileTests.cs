using Hpc.Bench.Statistics;
using Xunit;

namespace Hpc.Tests.Bench;

/// <summary>The tail statistics as pure functions: no timing involved.</summary>
public class PercentileTests
{
    [Theory]
    [InlineData(50, 10, 5)]
    [InlineData(90, 10, 9)]
    [InlineData(99, 10, 10)]
    [InlineData(50, 2000, 1000)]
    [InlineData(90, 2000, 1800)]
    [InlineData(99, 2000, 1980)]
    [InlineData(99, 20, 20)]
    [InlineData(50, 1, 1)]
    [InlineData(100, 7, 7)]
    [InlineData(1, 7, 1)]
    public void NearestRankIsTheCeilingOfPTimesN(double percent, int count, int rank) =>
        Assert.Equal(rank, Percentiles.NearestRank(percent, count));

    [Fact]
    public void PercentilesAreMeasuredSamples()
    {
        // 1 … 100 shuffled: P50 = 50, P90 = 90, P99 = 99 (no interpolation).
        double[] samples = [.. Enumerable.Range(1, 100).Select(i => (double)i).OrderBy(i => (i * 37) % 101)];
        Tail tail = Percentiles.Summarize(samples);
        Assert.Equal(new Tail(50, 90, 99), tail);
    }

    [Fact]
    public void ATailOfSlowIterationsShowsInP99NotInP50()
    {
        // 990 calls of 1 µs and 10 of 100 µs: P99 is the last fast call, a 2 % tail reaches it.
        double[] samples = [.. Enumerable.Repeat(1.0, 990), .. Enumerable.Repeat(100.0, 10)];
        Assert.Equal(new Tail(1, 1, 1), Percentiles.Summarize(samples));
        double[] heavier = [.. Enumerable.Repeat(1.0, 980), .. Enumerable.Repeat(100.0, 20)];
        Assert.Equal(new Tail(1, 1, 100), Percentiles.Summarize(heavier));
    }

    [Fact]
    public void OneSampleIsEveryPercentile() => Assert.Equal(new Tail(3, 3, 3), Percentiles.Summarize(new double[] { 3 }));

    [Fact]
    public void NoSamplesOrABadPercentileAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(50, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(101, 10));
    }

    [Fact]
    public void IterationTimesTurnTicksIntoPerCallMicroseconds()
    {
        var times = new IterationTimes();
        times.Reset(4);
        long second = System.Diagnostics.Stopwatch.Frequency;
        // Durations of 1, 2, 3 and 40 µs round trips; a ping-pong counts half of each.
        foreach (double us in new[] { 2.0, 4.0, 6.0, 80.0 })
            times.Add((long)(us * second / 1e6));
        Tail tail = times.Summarize(callsPerIteration: 2);
        Assert.Equal(2, tail.P50Us, 3);
        Assert.Equal(40, tail.P90Us, 3);
        Assert.Equal(40, tail.P99Us, 3);
        Assert.Equal(92, times.ElapsedMicroseconds, 3);
        Assert.Equal(4, times.Count);
        times.Reset(2);
        Assert.Equal(0, times.Count);
        Assert.True(double.IsNaN(times.Summarize().P50Us));
    }

    [Fact]
    public void RowsAverageTheRanksPercentiles()
    {
        var info = Hpc.Bench.Model.BenchmarkInfo.Of(Hpc.Bench.Model.BenchmarkKind.Allreduce);
        var row = Hpc.Bench.Run.RowAggregator.Aggregate(info, 4, 10, [1, 3], tails: [new Tail(1, 2, 4), new Tail(3, 4, 8)]);
        Assert.Equal((2.0, 3.0, 6.0), (row.P50Us, row.P90Us, row.P99Us));
        var latency = Hpc.Bench.Model.BenchmarkInfo.Of(Hpc.Bench.Model.BenchmarkKind.Latency);
        var pair = Hpc.Bench.Run.RowAggregator.Aggregate(latency, 4, 10, [1, 3, double.NaN], tails: [new Tail(1, 2, 4), new Tail(3, 4, 8), Tail.None]);
        Assert.Equal((1.0, 2.0, 4.0), (pair.P50Us, pair.P90Us, pair.P99Us));
        Assert.Null(Hpc.Bench.Run.RowAggregator.Aggregate(info, 4, 10, [1, 3]).P50Us);
    }
}

public class WarmUpPolicyTests
{
    private static readonly TimeSpan Early = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void AtLeastThreeBatchesRun() =>
        Assert.True(Hpc.Bench.Run.WarmUpPolicy.KeepWarming([1.0, 1.0], Early));

    [Fact]
    public void ItStopsOnceTheLastBatchIsWithinTenPercentOfTheBest()
    {
        Assert.False(Hpc.Bench.Run.WarmUpPolicy.KeepWarming([50.0, 2.0, 2.1], Early));
        Assert.False(Hpc.Bench.Run.WarmUpPolicy.KeepWarming([50.0, 3.0, 3.0], Early));
        // Still falling: not settled yet.
        Assert.True(Hpc.Bench.Run.WarmUpPolicy.KeepWarming([50.0, 40.0, 3.0], Early));
    }

    [Fact]
    public void ASlowerLastBatchMeansNotSettled()
    {
        // The first size used to be the slow one: a batch 10x the best keeps the warm-up going.
        Assert.True(Hpc.Bench.Run.WarmUpPolicy.KeepWarming([2.0, 2.0, 20.0], Early));
        Assert.True(Hpc.Bench.Run.WarmUpPolicy.KeepWarming([2.0, 2.0, 2.3], Early));
    }

    [Fact]
    public void ANoisyMachineStopsAtTheLimit() =>
        Assert.False(Hpc.Bench.Run.WarmUpPolicy.KeepWarming([2.0, 20.0, 2.0, 20.0], Hpc.Bench.Run.WarmUpPolicy.Maximum));
}
