using System.Globalization;
using System.Text.RegularExpressions;

namespace Hpc.IntegrationTests;

/// <summary>
/// The teaching examples run at np 4 through the real launcher. Every example checks its own
/// result and exits non-zero when it is wrong; these tests also parse what rank 0 printed and
/// check the result itself, so an example that silently stopped checking would still be caught.
/// </summary>
public class ExampleTests
{
    private const int Np = 4;

    [Theory]
    [InlineData("ring")]
    [InlineData("tree")]
    public void DataParallelTrainingLowersTheLossAndKeepsTheReplicasIdentical(string algorithm)
    {
        MpirunResult result = RunExample("DataParallelTraining", "--algorithm", algorithm);

        Assert.Contains($"allreduce {algorithm}", result.StdoutLines[0]);
        Match final = FinalLine(result, @"^training: (\d+) ranks, loss (\d+\.\d+) -> (\d+\.\d+), weights identical on all ranks, (\d+) samples/s$");
        Assert.Equal(Np, int.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture));
        double first = Number(final, 2), last = Number(final, 3);
        Assert.Equal(Math.Log(2), first, 3);                  // zero weights: every prediction is 1/2
        Assert.True(last < 0.8 * first, $"the loss fell only from {first} to {last}");
        Assert.True(Number(final, 4) > 0);
        // The loss is printed every 50 steps, and it falls.
        double[] printed = [.. result.StdoutLines.Select(l => Regex.Match(l, @"mean loss (\d+\.\d+)$")).Where(m => m.Success).Select(m => Number(m, 1))];
        Assert.True(printed.Length >= 3, result.ToString());
        Assert.True(printed[^1] < printed[0], $"printed losses {string.Join(", ", printed)}");
    }

    [Fact]
    public void MonteCarloPiIsWithinItsStatedTolerance()
    {
        MpirunResult result = RunExample("MonteCarloPi");

        Assert.Contains($"montecarlo: {Np} ranks x 4000000 darts = {Np * 4_000_000L} darts", result.Stdout);
        Match final = FinalLine(result, @"^pi ≈ (\d+\.\d+) \(error (\d+\.\d+), tolerance (\d+\.\d+)\)$");
        double estimate = Number(final, 1), error = Number(final, 2), tolerance = Number(final, 3);
        Assert.Equal(Math.Abs(estimate - Math.PI), error, 5);
        // 5σ of 4·hits/n for n = 16 million darts is about 0.0021.
        Assert.InRange(tolerance, 0.0015, 0.003);
        Assert.True(error <= tolerance, $"pi ≈ {estimate}: error {error} > tolerance {tolerance}");
    }

    [Fact]
    public void PipelineGivesTheSerialResultsWithTheComputeStageReplicated()
    {
        MpirunResult result = RunExample("Pipeline");

        Match final = FinalLine(result,
            @"^pipeline: (\d+) ranks \(preprocess 0, compute 1-2, postprocess 3\), 200 items, (\d+) items/s pipelined vs (\d+) items/s serial \((\d+\.\d+)x\), outputs identical$");
        Assert.Equal(Np, int.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(Number(final, 2) > 0 && Number(final, 3) > 0, final.Value);
    }

    [Fact]
    public void ParallelPreprocessMatchesTheSingleProcessResultBitForBit()
    {
        MpirunResult result = RunExample("ParallelPreprocess");

        Match final = FinalLine(result,
            @"^preprocess: (\d+) ranks normalized 1000 arrays of 1024 in \d+\.\d ms; row 0 now has mean (\S+), std (\d+\.\d+); max \|parallel - serial\| = 0, identical$");
        Assert.Equal(Np, int.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(Math.Abs(Number(final, 2)) < 1e-9, final.Value);
        Assert.Equal(1.0, Number(final, 3), 5);
    }

    [Fact]
    public void PoolPreprocessGivesTheStaticChecksumsAndTimesBoth()
    {
        MpirunResult result = RunExample("PoolPreprocess", "24", "2");

        Match final = FinalLine(result,
            @"^pool-preprocess: 24 files of 32 KiB to 576 KiB; static Scatterv over (\d+) ranks (\d+) ms, dynamic pool over (\d+) workers (\d+) ms \((\d+\.\d+)x\); checksums identical$");
        Assert.Equal(Np, int.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(Np - 1, int.Parse(final.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.True(Number(final, 2) > 0 && Number(final, 4) > 0, final.Value);
        // The progress line counted the files as the pool finished them.
        Assert.Contains("pool-preprocess: 24/24 files done", result.Stdout);
    }

    [Fact]
    public void CrossValidationSubmitsEveryFoldAndPicksTheBestLearningRate()
    {
        MpirunResult result = RunExample("CrossValidation", "4", "30");

        Match final = FinalLine(result,
            @"^cross-validation: 4 folds x 4 learning rates = 16 tasks on (\d+) workers in \d+\.\d+ s; best learning rate (\S+) \(mean accuracy (\d\.\d+)\); serial retraining identical$");
        Assert.Equal(Np - 1, int.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture));
        double[] means = [.. result.StdoutLines.Select(l => Regex.Match(l, @"mean accuracy (\d\.\d+)$")).Where(m => m.Success).Select(m => Number(m, 1))];
        Assert.Equal(4, means.Length);
        Assert.Equal(means.Max(), Number(final, 3), 4);
        Assert.True(Number(final, 3) > 0.9, final.Value);
        Assert.Contains("cross-validation: 16/16 folds trained", result.Stdout);
    }

    [Fact]
    public void SharedArrayHoldsOneCopyPerHostWhereBroadcastHoldsOnePerRank()
    {
        MpirunResult result = RunExample("SharedArray", "64");

        Match final = FinalLine(result,
            @"^shared-array: (\d+) ranks on one host, 64 MiB array: one copy per host \+\d+ MiB Pss \((\d+\.\d+)x the array\), a copy per rank \+\d+ MiB \((\d+\.\d+)x\); results identical$");
        Assert.Equal(Np, int.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture));
        // Pss summed over the host's ranks grows by about one array when they share it, by about Np arrays when each has its own.
        Assert.InRange(Number(final, 2), 0.9, 1.5);
        Assert.InRange(Number(final, 3), Np - 0.5, Np + 1.0);
    }

    [Fact]
    public void AmdahlPrintsTheMeasuredSpeedupBesideTheBound()
    {
        MpirunResult result = RunExample("Amdahl", "--serial", "0.2");

        Match final = FinalLine(result, @"^amdahl: serial 0\.20, ranks 1\.\.(\d+), speedup ([\d. ]+) \(bound ([\d. ]+)\), results agree$");
        Assert.Equal(Np, int.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture));
        double[] speedups = Numbers(final.Groups[2].Value);
        double[] bounds = Numbers(final.Groups[3].Value);
        Assert.Equal(Np, speedups.Length);
        Assert.Equal(1.0, speedups[0]);
        Assert.All(speedups, s => Assert.True(s > 0));
        // 1 / (0.2 + 0.8 / n) for n = 1..4, to two decimals.
        Assert.Equal([1.00, 1.67, 2.14, 2.50], bounds);
        if (Environment.ProcessorCount < Np)
            Assert.Contains($"note: only {Environment.ProcessorCount} cores here", result.Stdout);
    }

    [Fact]
    public void StragglersMakeEveryRankWaitForTheSlowestInAllreduce()
    {
        MpirunResult result = RunExample("Stragglers", "--slow-rank", "2", "--delay-ms", "40");

        FinalLine(result, @"^stragglers: 4 ranks, slow rank 2 computes \d+\.\d ms/step; .* steps take \d+\.\d-\d+\.\d ms on every rank$");
        // The per-rank table: rank, compute ms, allreduce ms, step ms.
        var rows = result.StdoutLines.Select(l => Regex.Match(l, @"^\s+(\d+)\s+(\d+\.\d)\s+(\d+\.\d)\s+(\d+\.\d)$"))
            .Where(m => m.Success).ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                m => (Compute: Number(m, 2), Wait: Number(m, 3), Step: Number(m, 4)));
        Assert.Equal([0, 1, 2, 3], rows.Keys.Order());
        Assert.True(rows[2].Compute >= 50, result.ToString());  // 10 ms + 40 ms of sleep
        foreach (int rank in new[] { 0, 1, 3 })
        {
            Assert.True(rows[rank].Compute < 30, result.ToString());
            Assert.True(rows[rank].Wait > 20, $"rank {rank} waited only {rows[rank].Wait} ms for the straggler\n{result}");
            Assert.True(Math.Abs(rows[rank].Step - rows[2].Step) < 12, $"rank {rank}'s step does not track the straggler's\n{result}");
        }
        Assert.True(rows[2].Wait < 20, $"the straggler waited {rows[2].Wait} ms\n{result}");
    }

    [Fact]
    public void HaloExchangeMatchesTheSerialSolutionExactly()
    {
        MpirunResult result = RunExample("HaloExchange");

        Match final = FinalLine(result, @"^heat: (\d+) ranks, 4096 points, 1000 steps in \d+\.\d+ s, max \|parallel - serial\| = (\S+) \(must be < 1e-12\)$");
        Assert.Equal(Np, int.Parse(final.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(0.0, Number(final, 2));
    }

    private static MpirunResult RunExample(string name, params string[] args)
    {
        MpirunResult result = Mpirun.Run(["-np", Np.ToString(CultureInfo.InvariantCulture), RankPrograms.Example(name), .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>The last stdout line, which must match <paramref name="pattern"/>.</summary>
    private static Match FinalLine(MpirunResult result, string pattern)
    {
        Assert.NotEmpty(result.StdoutLines);
        Match match = Regex.Match(result.StdoutLines[^1], pattern);
        Assert.True(match.Success, $"the last line does not match {pattern}\n{result}");
        return match;
    }

    private static double Number(Match match, int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static double[] Numbers(string text) =>
        [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
}
