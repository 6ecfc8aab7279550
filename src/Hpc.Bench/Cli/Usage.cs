using Hpc.Bench.Model;

namespace Hpc.Bench.Cli;

/// <summary>The --help text.</summary>
internal static class Usage
{
    public static string Text => $"""
        hpc-bench: OSU-style microbenchmarks for Hpc (run under dotnet mpirun)

        usage:
          dotnet mpirun -np N hpc-bench BENCHMARK [options]
          dotnet mpirun -np N hpc-bench tune [-o FILE] [--collectives LIST] [-m [MIN:]MAX]
          hpc-bench compare FILE... [--baseline NAME] [--plot FILE.svg]

        benchmarks: {BenchmarkInfo.Names}
          (pingpong is another name for latency)

        options (OSU's letters):
          -m, --message-size [MIN:]MAX  sizes from MIN (default 4) to MAX bytes by factors of 4; K/M/G
                                        suffixes allowed (default 4:64M; bw/bibw 4:4M; tune 4:1M)
          -i, --iterations N            timed calls per size (default 2000 up to 8 KiB, 200 up to 1 MiB,
                                        20 above; barrier 20000; bw/bibw 100 / 20)
          -x, --warmup N                untimed calls first (default 5; latency 10; barrier 1000)
          -f, --full                    also min and max over ranks, and iterations
          -T, --type TYPE               element type: {Datatype.Names} (default float)
          -W, --window N                bw/bibw: messages in flight per iteration (default 64)
          -a, --algorithm NAME[,NAME]   collective algorithm(s), 'all' for every one (one column group
                                        each), 'auto' (default) to let the library choose per size
          -c, --check                   verify every result against the expected values
                                        (times each call separately; exit 1 on a wrong result)
          --json FILE, --csv FILE       also write the results as JSON / CSV
          --plot FILE.svg               plot latency and busbw against size
          --compare FILE                another run to draw in the plot (hpc-bench .json/.csv or an
                                        ompi_bench table); repeatable
          -q, --quiet                   no progress lines on stderr
          -h, --help

        tune:   -o, --output FILE (default hpc-tune.txt; rules for other rank counts are kept),
                --collectives LIST (default: every collective with more than one algorithm)
        compare: medians per runtime and algorithm over the files, ratio to --baseline (default Open MPI)

        Times are each rank's mean per call, averaged over ranks (OSU); algbw = size / time and
        busbw = algbw x 2(n-1)/n for allreduce, (n-1)/n for allgather, alltoall, gather, scatter and
        reduce_scatter (size = the whole array), 1 for bcast and reduce (nccl-tests).
        """;
}
