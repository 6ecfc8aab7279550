namespace Hpc.Bench.Cli;

/// <summary>The --help text; the option list comes from <see cref="BenchArguments"/>'s attributes.</summary>
internal static class Usage
{
    public static string Text => $"""
        hpc-bench: OSU-style microbenchmarks for Hpc (run under dotnet mpirun)

        usage:
          dotnet mpirun -np N hpc-bench BENCHMARK [options]
          dotnet mpirun -np N hpc-bench tune [-o FILE] [--collectives LIST] [-m [MIN:]MAX]
          hpc-bench compare FILE... [--baseline NAME] [--plot FILE.svg|FILE.png]
          dotnet mpirun -np N hpc-bench tasks [--cases map_empty,submit_empty,map_1mib,uneven]

        benchmarks: {BenchmarkInfo.Names}
          (pingpong is another name for latency)

        options (OSU's letters):
        {OptionParser.OptionsHelp()}

        compare: medians per runtime and algorithm over the files, ratio to --baseline (default
        Open MPI); with two runtimes, also every run's ratios, its median over sizes and worst size.

        tasks: a TaskPool (Hpc.Tasks) with rank 0 as client and N-1 workers; one row per case: name,
        tasks/s, tasks, seconds (median of 5 runs after one untimed), and for uneven makespan/ideal.
        map_empty = 100,000 empty tasks through Map (default chunking), submit_empty = 20,000 Submits,
        map_1mib = 500 tasks of a 1 MiB float[] in and out, uneven = 300 tasks of 1-20 ms (chunk 1).

        Times are each rank's mean per call, averaged over ranks (OSU); P50/P90/P99 are each rank's
        percentiles of its per-iteration times (nearest rank), averaged the same way. algbw = size /
        time and busbw = algbw x 2(n-1)/n for allreduce, (n-1)/n for allgather, alltoall, gather,
        scatter and reduce_scatter (size = the whole array), 1 for bcast and reduce (nccl-tests).
        """;
}
