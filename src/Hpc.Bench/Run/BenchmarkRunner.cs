using Hpc.Bench.Cli;
using Hpc.Bench.Measure;
using Hpc.Bench.Output;
using Hpc.Bench.Statistics;

namespace Hpc.Bench.Run;

/// <summary>
/// Runs one benchmark on a communicator: for each size, every requested algorithm in turn (so
/// drift of a shared machine hits all of them alike), then one table row on rank 0's stdout.
/// Files (JSON, CSV, SVG) are written by rank 0 at the end.
/// </summary>
internal sealed class BenchmarkRunner(Communicator comm, BenchOptions options, TextWriter stdout, TextWriter stderr)
{
    private bool IsRoot => comm.Rank == 0;

    /// <summary>Runs the benchmark; returns the exit code (0, 1 when --check found a wrong result) and, on rank 0, the report.</summary>
    public (int ExitCode, BenchReport? Report) Run()
    {
        BenchmarkInfo info = options.Benchmark;
        if (info.IsPointToPoint && comm.Size < 2)
        {
            if (IsRoot)
                stderr.WriteLine($"hpc-bench: {info.Name} needs 2 ranks (dotnet mpirun -np 2 hpc-bench {info.Name})");
            return (2, null);
        }

        IReadOnlyList<string> series = options.Algorithms.Count > 0 ? options.Algorithms : ["auto"];
        Benchmark probe = BenchmarkFactory.Create(comm, info, options.Datatype, 0, options.Window);
        long[] sizes = info.HasSizes ? [.. options.EffectiveSizes.Sizes().Where(probe.Supports)] : [0];
        if (sizes.Length == 0)
        {
            if (IsRoot)
                stderr.WriteLine($"hpc-bench: -m {options.EffectiveSizes}: no size fits {info.Name} on {comm.Size} ranks with {options.Datatype.Name} elements");
            return (2, null);
        }

        // The load runs from before the warm-up to after the last size; rank 0 owns it, and its
        // process ends with rank 0 however rank 0 ends (see LoadGenerator).
        using LoadProcess? load = StartLoad();
        Benchmark benchmark = BenchmarkFactory.Create(comm, info, options.Datatype, sizes[^1], options.Window);
        TableWriter[] tables = [.. series.Select(name => new TableWriter(info, name, options.Full, options.Check, options.TailLatency))];
        using var progress = new Progress(stderr, IsRoot && !options.Quiet, Progress.StderrIsTerminal && ReferenceEquals(stderr, Console.Error));
        var rows = series.Select(_ => new List<Row>()).ToArray();
        string started = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        bool anyFailed = false;
        // One series streams its rows as they are measured; several are measured size by size
        // (so drift hits every algorithm alike) and printed as one block each at the end.
        bool stream = series.Count == 1;

        if (IsRoot)
        {
            progress.WriteLine(stdout, Title(info, series));
            if (stream)
                progress.WriteLine(stdout, tables[0].Header());
        }
        if (options.WarmupFor(sizes[0]) > 0)
            Settle(benchmark, sizes[0], series, progress);
        int steps = sizes.Length * series.Count;
        for (int k = 0; k < sizes.Length; k++)
        {
            long bytes = sizes[k];
            for (int s = 0; s < series.Count; s++)
            {
                progress.Step(info.Name, series[s], bytes, k * series.Count + s + 1, steps);
                benchmark.Prepare(bytes, series[s]);
                int iterations = options.IterationsFor(bytes);
                LocalResult local = benchmark.Measure(iterations, options.WarmupFor(bytes), options.Check, options.CorruptResult);
                bool? passed = options.Check ? AllPassed(local, info, bytes, series[s]) : null;
                anyFailed |= passed == false;
                double[] means = comm.Gather(local.MeanUs, 0);
                Tail[] tails = comm.Gather(local.Tail, 0);
                if (IsRoot)
                {
                    string? selected = series[s] == "auto" && info.Collective is { } c
                        ? comm.AlgorithmFor(c, info.SelectorBytes(bytes, comm.Size))
                        : null;
                    Row row = RowAggregator.Aggregate(info, bytes, iterations, means, selected, passed, tails);
                    rows[s].Add(row);
                    if (stream)
                        progress.WriteLine(stdout, tables[s].Line(row));
                }
            }
        }
        progress.Dispose();
        if (IsRoot && !stream)
        {
            for (int s = 0; s < series.Count; s++)
            {
                stdout.WriteLine();
                stdout.WriteLine(TableWriter.BlockTitle(series[s]));
                stdout.WriteLine(tables[s].Header());
                foreach (Row row in rows[s])
                    stdout.WriteLine(tables[s].Line(row));
            }
            stdout.Flush();
        }
        load?.Stop();

        if (!IsRoot)
            return (anyFailed ? 1 : 0, null);
        var report = new BenchReport
        {
            Runtime = "Hpc",
            Benchmark = info.Name,
            Ranks = comm.Size,
            Datatype = options.Datatype.Name,
            Transport = Environment.GetEnvironmentVariable("HPC_TRANSPORT") is { Length: > 0 } transport ? transport : null,
            Date = started,
            Host = Environment.MachineName,
            Version = HpcVersion,
            Load = options.Load > 0 ? options.Load : null,
            Series = [.. series.Select((name, s) => new Series(name, rows[s]))],
        };
        ReportFiles.WriteOutputs(report, options);
        if (anyFailed)
            stderr.WriteLine($"hpc-bench: --check: {info.Name} produced wrong results (see the messages above)");
        return (anyFailed ? 1 : 0, report);
    }

    /// <summary>The library's version, as the title line and the reports give it.</summary>
    public static string HpcVersion => typeof(Communicator).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Starts --load on rank 0 and holds every rank until it spins, so every timed call runs beside it.</summary>
    private LoadProcess? StartLoad()
    {
        if (options.Load <= 0)
            return null;
        LoadProcess? load = null;
        string? failure = null;
        if (IsRoot)
        {
            try
            {
                load = LoadGenerator.Start(options.Load);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                failure = e.Message;
            }
        }
        // Every rank learns whether the load runs, so none starts timing without it.
        if (comm.Broadcast(failure is null ? 0 : 1, 0) != 0)
            throw new UsageException(failure ?? "--load: the load process did not start on rank 0");
        return load;
    }

    /// <summary>
    /// Warms the first size until its times settle, not for a fixed count: the first size of a
    /// run used to be the slowest (one quiet run in four, a 4 B ping-pong averaged 211 µs
    /// against 0.3 µs). What is cold at the start is not only code (hpc-bench runs with
    /// TieredCompilation off, so every method is compiled optimized at its first call): pages of
    /// the buffers and rings touched for the first time, the scheduler still spreading the
    /// ranks over the cores, the launcher and the other ranks finishing their own start-up. So
    /// every series runs batches of the first size, untimed as far as the table goes, until a
    /// batch agrees with the one before and with the best (WarmUpPolicy: at least three batches, at most
    /// about a second). Rank 0 decides and every rank follows, so all make the same calls.
    /// </summary>
    private void Settle(Benchmark benchmark, long bytes, IReadOnlyList<string> series, Progress progress)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int iterations = Math.Min(options.IterationsFor(bytes), 200);
        var batches = new List<double>();
        bool more;
        do
        {
            progress.Step(options.Benchmark.Name, "warm-up", bytes, 1, Math.Max(1, options.EffectiveSizes.Sizes().Count() * series.Count));
            double total = 0;
            foreach (string algorithm in series)
            {
                benchmark.Prepare(bytes, algorithm);
                LocalResult local = benchmark.Measure(iterations, 0, check: false, corrupt: null);
                double[] means = comm.Gather(local.MeanUs, 0);
                if (IsRoot)
                    total += means.Where(m => !double.IsNaN(m)).DefaultIfEmpty(0).Average();
            }
            batches.Add(total);
            more = comm.Broadcast(IsRoot && WarmUpPolicy.KeepWarming(batches, clock.Elapsed), 0);
        }
        while (more);
    }

    /// <summary>Agrees on the check's outcome across ranks; a rank that saw a wrong result says which.</summary>
    private bool AllPassed(LocalResult local, BenchmarkInfo info, long bytes, string algorithm)
    {
        if (local.Mismatch is { } mismatch)
        {
            string size = info.HasSizes ? $" {bytes} B" : "";
            stderr.WriteLine($"hpc-bench: --check: {info.Name} [{algorithm}]{size}: rank {comm.Rank}, iteration {local.MismatchIteration}: {mismatch}");
            stderr.Flush();
        }
        return comm.Allreduce(local.Mismatch is null ? 0 : 1, ReduceOp.Max) == 0;
    }

    private string Title(BenchmarkInfo info, IReadOnlyList<string> series)
    {
        var parts = new List<string> { $"np={comm.Size}" };
        if (info.HasSizes)
            parts.Add($"datatype={options.Datatype.Name}");
        if (info.Kind is BenchmarkKind.Allreduce or BenchmarkKind.Reduce or BenchmarkKind.ReduceScatter)
            parts.Add("op=sum");
        if (info.Kind is BenchmarkKind.Bcast or BenchmarkKind.Reduce or BenchmarkKind.Gather or BenchmarkKind.Scatter)
            parts.Add("root=0");
        if (info.Kind is BenchmarkKind.Bw or BenchmarkKind.Bibw)
            parts.Add($"window={options.Window}");
        if (info.Collective is not null)
            parts.Add($"algorithm={string.Join(",", series)}");
        if (Environment.GetEnvironmentVariable("HPC_TRANSPORT") is { Length: > 0 } transport)
            parts.Add($"transport={transport}");
        if (info.Collective is not null && Environment.GetEnvironmentVariable("HPC_COLL") is { Length: > 0 } coll)
            parts.Add($"coll={coll}");
        if (info.Collective is not null && Environment.GetEnvironmentVariable("HPC_TUNE_FILE") is { Length: > 0 } tune)
            parts.Add($"tune={Path.GetFileName(tune)}");
        if (options.Check)
            parts.Add("check=on");
        if (options.Load > 0)
            parts.Add($"load={options.Load}");
        return $"# hpc-bench {info.Name}: OSU-style {info.Title}, Hpc {HpcVersion} ({string.Join(" ", parts)})";
    }
}
