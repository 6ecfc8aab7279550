using System.Diagnostics;

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
        if (!check)
        {
            for (int i = 0; i < warmup; i++)
                RoundTrip();
            double mean = double.NaN;
            if (SeparateTailLoop)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < iterations; i++)
                    RoundTrip();
                mean = Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations / 2;
            }
            Times.Reset(iterations);
            Times.Start();
            for (int i = 0; i < iterations; i++)
            {
                RoundTrip();
                Times.Mark();
            }
            return new LocalResult(SeparateTailLoop ? mean : Times.ElapsedMicroseconds / iterations / 2, Times.Summarize(2));
        }

        // Rank 1 answers before it checks and refills, so its bookkeeping overlaps rank 0's
        // instead of lengthening rank 0's round trip.
        Mismatch? first = null;
        int firstIteration = -1;
        Times.Reset(iterations);
        if (Comm.Rank == 1)
            FillChecked(-warmup);
        for (int i = -warmup; i < iterations; i++)
        {
            if (Comm.Rank == 0)
                FillChecked(i);
            long start = Stopwatch.GetTimestamp();
            RoundTrip();
            if (i >= 0)
                Times.Add(Stopwatch.GetTimestamp() - start);
            if (first is null && VerifyReceived(i, i >= 0 ? corrupt : null) is { } mismatch)
            {
                first = mismatch;
                firstIteration = i;
            }
            if (Comm.Rank == 1)
                FillChecked(i + 1);
        }
        return new LocalResult(Times.ElapsedMicroseconds / iterations / 2, Times.Summarize(2), first, firstIteration);
    }

    /// <summary>One ping-pong: rank 0 sends and receives the answer, rank 1 the other way round.</summary>
    private void RoundTrip()
    {
        Span<T> send = Send.AsSpan(0, Count), receive = Receive.AsSpan(0, Count);
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
}
