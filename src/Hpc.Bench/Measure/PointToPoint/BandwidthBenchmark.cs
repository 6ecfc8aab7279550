using System.Diagnostics;

namespace Hpc.Bench.Measure.PointToPoint;

/// <summary>
/// osu_bw and osu_bibw: a window of non-blocking sends in flight at once, so the time per
/// message approaches what the transport's bandwidth allows. bw sends from rank 0 to rank 1 and
/// waits for a short acknowledgement per window; bibw sends a window each way at once. The
/// reported time is per message (iteration time / window).
/// </summary>
internal sealed class BandwidthBenchmark<T>(Communicator comm, BenchmarkInfo info, int maxElements, int window)
    : PointToPointBenchmark<T>(comm, info, maxElements) where T : unmanaged, INumber<T>
{
    private readonly Request[] _requests = new Request[2 * window];

    private bool Bidirectional => Info.Kind == BenchmarkKind.Bibw;

    protected override LocalResult MeasurePair(int iterations, int warmup, bool check, Func<int, int, bool>? corrupt)
    {
        Mismatch? first = null;
        int firstIteration = -1;
        // A window of messages per iteration: the clock read per iteration is negligible at every
        // size, so one loop gives the mean and the tail.
        Times.Reset(iterations);
        long start = 0;
        for (int i = -warmup; i < iterations; i++)
        {
            if (check)
                FillChecked(i);
            if (check)
                start = Stopwatch.GetTimestamp();
            else if (i == 0)
                Times.Start();
            Exchange();
            if (check && i >= 0)
                Times.Add(Stopwatch.GetTimestamp() - start);
            else if (i >= 0)
                Times.Mark();
            if (check && (Bidirectional || Comm.Rank == 1)
                && first is null && VerifyReceived(i, i >= 0 ? corrupt : null) is { } mismatch)
            {
                first = mismatch;
                firstIteration = i;
            }
        }
        return new LocalResult(Times.ElapsedMicroseconds / iterations / window, Times.Summarize(window), first, firstIteration);
    }

    private void Exchange()
    {
        ReadOnlyMemory<T> send = Send.AsMemory(0, Count);
        Memory<T> receive = Receive.AsMemory(0, Count);
        if (Bidirectional)
        {
            for (int w = 0; w < window; w++)
                _requests[w] = Comm.Irecv(receive, Partner, DataTag);
            for (int w = 0; w < window; w++)
                _requests[window + w] = Comm.Isend(send, Partner, DataTag);
            Request.WaitAll(_requests.AsSpan(0, 2 * window));
            return;
        }
        if (Comm.Rank == 0)
        {
            for (int w = 0; w < window; w++)
                _requests[w] = Comm.Isend(send, 1, DataTag);
            Request.WaitAll(_requests.AsSpan(0, window));
            Comm.Receive<int>(1, AckTag);
        }
        else
        {
            for (int w = 0; w < window; w++)
                _requests[w] = Comm.Irecv(receive, 0, DataTag);
            Request.WaitAll(_requests.AsSpan(0, window));
            Comm.Send(0, 0, AckTag);
        }
    }
}
