using Hpc.Bench.Cli;
using Hpc.Bench.Measure;
using Hpc.Bench.Run;

namespace Hpc.Bench.Tune;

/// <summary>
/// <c>hpc-bench tune</c>: for every collective with a choice of algorithms, times each algorithm
/// at each size on this machine and this rank count (alternating algorithms within a size, so
/// drift hits all alike) in <see cref="Rounds"/> rounds, takes each algorithm's median, prints
/// the medians, and writes the crossovers as a tuning file that <c>dotnet mpirun --tune FILE</c> loads.
/// </summary>
internal sealed class TuneCommand(Communicator comm, BenchOptions options, TextWriter stdout, TextWriter stderr)
{
    /// <summary>Measurements per algorithm and size; the median of three shrugs off one disturbed round.</summary>
    public const int Rounds = 3;

    public int Run()
    {
        IReadOnlyList<BenchmarkInfo> collectives = options.TuneCollectives.Count > 0 ? options.TuneCollectives : OptionParser.Tunable;
        var rules = new List<TuningRule>();
        var progress = new Progress(stderr, comm.Rank == 0 && !options.Quiet);
        foreach (BenchmarkInfo info in collectives)
            rules.AddRange(Sweep(info, progress));

        if (comm.Rank != 0)
            return 0;
        string path = options.TuneOutput;
        string? existing = File.Exists(path) ? File.ReadAllText(path) : null;
        string[] comments =
        [
            $"written by hpc-bench tune on {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, host {Environment.MachineName}, {Environment.ProcessorCount} cores",
            $"np={comm.Size}, sizes {options.EffectiveSizes} bytes, {options.Datatype.Name}; load with: dotnet mpirun --tune {Path.GetFileName(path)} ...",
            "rules for other rank counts already in the file were kept",
        ];
        File.WriteAllText(path, TuningFile.Merge(existing, comm.Size, rules, comments));
        stdout.WriteLine($"# wrote {rules.Count} rules for np={comm.Size} to {path}");
        return 0;
    }

    private IReadOnlyList<TuningRule> Sweep(BenchmarkInfo info, Progress progress)
    {
        BenchOptions sweep = options with { Benchmark = info };
        IReadOnlyList<string> algorithms = info.AlgorithmNames;
        Benchmark probe = BenchmarkFactory.Create(comm, info, options.Datatype, 0);
        long[] sizes = [.. options.EffectiveSizes.Sizes().Where(probe.Supports)];
        if (sizes.Length == 0)
            return [];
        Benchmark benchmark = BenchmarkFactory.Create(comm, info, options.Datatype, sizes[^1]);

        if (comm.Rank == 0)
        {
            stdout.WriteLine($"# tune {info.Name} np={comm.Size}: median of {Rounds} rounds of the average latency (us) per call");
            stdout.WriteLine("# Size".PadRight(10) + string.Concat(algorithms.Select(a => a.PadLeft(Math.Max(14, a.Length + 2)))) + "  fastest");
        }
        var winners = new List<(long Bytes, string Winner)>();
        for (int k = 0; k < sizes.Length; k++)
        {
            long bytes = sizes[k];
            var rounds = new double[algorithms.Count, Rounds];
            for (int round = 0; round < Rounds; round++)
            {
                for (int a = 0; a < algorithms.Count; a++)
                {
                    progress.Step($"tune {info.Name}", algorithms[a], bytes, k + 1, sizes.Length);
                    benchmark.Prepare(bytes, algorithms[a]);
                    LocalResult local = benchmark.Measure(sweep.IterationsFor(bytes), sweep.WarmupFor(bytes), check: false, corrupt: null);
                    double[] means = comm.Gather(local.MeanUs, 0);
                    if (comm.Rank == 0)
                        rounds[a, round] = means.Average();
                }
            }
            if (comm.Rank != 0)
                continue;
            double[] times = [.. Enumerable.Range(0, algorithms.Count).Select(a => Median(Enumerable.Range(0, Rounds).Select(r => rounds[a, r])))];
            int best = Array.IndexOf(times, times.Min());
            winners.Add((bytes, algorithms[best]));
            stdout.WriteLine(bytes.ToString(CultureInfo.InvariantCulture).PadRight(10)
                + string.Concat(times.Select((t, a) => t.ToString("F2", CultureInfo.InvariantCulture).PadLeft(Math.Max(14, algorithms[a].Length + 2))))
                + "  " + algorithms[best]);
            stdout.Flush();
        }
        return comm.Rank == 0 ? CrossoverFinder.Rules(info, comm.Size, winners) : [];
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
