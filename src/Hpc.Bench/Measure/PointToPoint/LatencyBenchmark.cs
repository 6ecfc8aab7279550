using System.Numerics;
using Hpc.Bench.Model;

namespace Hpc.Bench.Measure.PointToPoint;

/// <summary>
/// Ping-pong, as osu_latency and ompi_bench: rank 0 sends, rank 1 sends the same size back;
/// half the round trip is the one-way latency.
/// </summary>
internal sealed class LatencyBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements)
    : PointToPointBenchmark<T>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    protected override LocalResult MeasurePair(int iterations, int warmup, bool check, Func<int, int, bool>? corrupt)
    {
        Span<T> send = Send.AsSpan(0, Count), receive = Receive.AsSpan(0, Count);
        if (!check)
        {
            double start = 0;
            for (int i = 0; i < iterations + warmup; i++)
            {
                if (i == warmup)
                    start = Mpi.Wtime();
                if (Comm.Rank == 0)
                {
                    Comm.Send<T>(send, 1, DataTag);
                    Comm.Receive(receive, 1, DataTag);
                }
                else
                {
                    Comm.Receive(receive, 0, DataTag);
                    Comm.Send<T>(send, 0, DataTag);
                }
            }
            return new LocalResult((Mpi.Wtime() - start) / iterations / 2 * 1e6);
        }

        // Rank 1 answers before it checks and refills, so its bookkeeping overlaps rank 0's
        // instead of lengthening rank 0's round trip.
        Mismatch? first = null;
        int firstIteration = -1;
        double elapsed = 0;
        if (Comm.Rank == 1)
            FillChecked(-warmup);
        for (int i = -warmup; i < iterations; i++)
        {
            if (Comm.Rank == 0)
                FillChecked(i);
            double start = Mpi.Wtime();
            if (Comm.Rank == 0)
            {
                Comm.Send<T>(send, 1, DataTag);
                Comm.Receive(receive, 1, DataTag);
            }
            else
            {
                Comm.Receive(receive, 0, DataTag);
                Comm.Send<T>(send, 0, DataTag);
            }
            if (i >= 0)
                elapsed += Mpi.Wtime() - start;
            if (first is null && VerifyReceived(i, i >= 0 ? corrupt : null) is { } mismatch)
            {
                first = mismatch;
                firstIteration = i;
            }
            if (Comm.Rank == 1)
                FillChecked(i + 1);
        }
        return new LocalResult(elapsed / iterations / 2 * 1e6, first, firstIteration);
    }
}
