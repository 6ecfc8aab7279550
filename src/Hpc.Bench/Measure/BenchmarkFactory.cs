using Hpc.Bench.Measure.Collectives;
using Hpc.Bench.Measure.PointToPoint;

namespace Hpc.Bench.Measure;

/// <summary>Creates the benchmark for a kind and element type, its buffers sized for <c>maxBytes</c>.</summary>
internal static class BenchmarkFactory
{
    public static Benchmark Create(Communicator comm, BenchmarkInfo info, Datatype datatype, long maxBytes, int window = 64) =>
        datatype.Dispatch(new Maker(comm, info, maxBytes, window));

    private sealed class Maker(Communicator comm, BenchmarkInfo info, long maxBytes, int window) : IElementTypeAction<Benchmark>
    {
        public unsafe Benchmark Run<T>() where T : unmanaged, INumber<T>
        {
            int max = (int)Math.Min(maxBytes / sizeof(T), Array.MaxLength);
            return info.Kind switch
            {
                BenchmarkKind.Latency => new LatencyBenchmark<T>(comm, info, max),
                BenchmarkKind.Bw or BenchmarkKind.Bibw => new BandwidthBenchmark<T>(comm, info, max, window),
                BenchmarkKind.Allreduce => new AllreduceBenchmark<T>(comm, info, max),
                BenchmarkKind.Bcast => new BroadcastBenchmark<T>(comm, info, max),
                BenchmarkKind.Barrier => new BarrierBenchmark<T>(comm, info),
                BenchmarkKind.Reduce => new ReduceBenchmark<T>(comm, info, max),
                BenchmarkKind.Allgather => new AllgatherBenchmark<T>(comm, info, max),
                BenchmarkKind.Alltoall => new AlltoallBenchmark<T>(comm, info, max),
                BenchmarkKind.ReduceScatter => new ReduceScatterBenchmark<T>(comm, info, max),
                BenchmarkKind.Gather => new GatherBenchmark<T>(comm, info, max),
                BenchmarkKind.Scatter => new ScatterBenchmark<T>(comm, info, max),
                _ => throw new ArgumentOutOfRangeException(nameof(info), info.Kind, "unknown benchmark"),
            };
        }
    }
}
