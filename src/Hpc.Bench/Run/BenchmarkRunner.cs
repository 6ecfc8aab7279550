using System.Globalization;
using Hpc.Bench.Cli;
using Hpc.Bench.Measure;
using Hpc.Bench.Model;
using Hpc.Bench.Output;

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

        Benchmark benchmark = BenchmarkFactory.Create(comm, info, options.Datatype, sizes[^1], options.Window);
        var table = new TableWriter(info, series, options.Full, options.Check);
        var progress = new Progress(stderr, IsRoot && !options.Quiet);
        var rows = series.Select(_ => new List<Row>()).ToArray();
        string started = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        bool anyFailed = false;

        if (IsRoot)
        {
            stdout.WriteLine(Title(info, series));
            stdout.WriteLine(table.Header());
            stdout.Flush();
        }
        for (int k = 0; k < sizes.Length; k++)
        {
            long bytes = sizes[k];
            var sizeRows = new Row[series.Count];
            for (int s = 0; s < series.Count; s++)
            {
                progress.Step(info.Name, series[s], bytes, k + 1, sizes.Length);
                benchmark.Prepare(bytes, series[s]);
                int iterations = options.IterationsFor(bytes);
                LocalResult local = benchmark.Measure(iterations, options.WarmupFor(bytes), options.Check, options.CorruptResult);
                bool? passed = options.Check ? AllPassed(local, info, bytes, series[s]) : null;
                anyFailed |= passed == false;
                double[] means = comm.Gather(local.MeanUs, 0);
                if (IsRoot)
                {
                    string? selected = series[s] == "auto" && info.Collective is { } c
                        ? comm.AlgorithmFor(c, info.SelectorBytes(bytes, comm.Size))
                        : null;
                    sizeRows[s] = RowAggregator.Aggregate(info, bytes, iterations, means, selected, passed);
                    rows[s].Add(sizeRows[s]);
                }
            }
            if (IsRoot)
            {
                stdout.WriteLine(table.Line(bytes, sizeRows));
                stdout.Flush();
            }
        }

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
            Series = [.. series.Select((name, s) => new Series(name, rows[s]))],
        };
        ReportFiles.WriteOutputs(report, options);
        if (anyFailed)
            stderr.WriteLine($"hpc-bench: --check: {info.Name} produced wrong results (see the messages above)");
        return (anyFailed ? 1 : 0, report);
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
        return $"# hpc-bench {info.Name}: OSU-style {info.Title}, Hpc {typeof(Communicator).Assembly.GetName().Version?.ToString(3)} ({string.Join(" ", parts)})";
    }
}
