namespace Hpc.Bench.Measure.PointToPoint;

/// <summary>
/// Shared state of the two-rank benchmarks: ranks 0 and 1 exchange messages, any other rank only
/// joins the barrier before each size (as in ompi_bench) and reports no time.
/// </summary>
internal abstract class PointToPointBenchmark<T> : BufferedBenchmark<T> where T : unmanaged, INumber<T>
{
    protected const int DataTag = 1;
    protected const int AckTag = 2;

    protected PointToPointBenchmark(Communicator comm, BenchmarkInfo info, int maxElements) : base(comm, info, maxElements)
    {
    }

    /// <summary>The other rank of the pair, or −1 on a rank outside it.</summary>
    protected int Partner => Comm.Rank switch { 0 => 1, 1 => 0, _ => -1 };

    public override unsafe bool Supports(long bytes) => bytes >= sizeof(T);

    public override void Prepare(long bytes, string algorithm)
    {
        SetSize(bytes);
        if (Partner >= 0)
            Pattern.Fill(Send.AsSpan(0, Count), Comm.Rank, 0, 0);
    }

    public override LocalResult Measure(int iterations, int warmup, bool check, Func<int, int, bool>? corrupt)
    {
        Comm.Barrier();
        if (Partner < 0)
            return LocalResult.None;
        return MeasurePair(iterations, warmup, check, corrupt);
    }

    /// <summary>The timed exchange on rank 0 or 1.</summary>
    protected abstract LocalResult MeasurePair(int iterations, int warmup, bool check, Func<int, int, bool>? corrupt);

    /// <summary>Writes this rank's message for <paramref name="iteration"/> and zeroes the receive buffer.</summary>
    protected void FillChecked(int iteration)
    {
        Pattern.Fill(Send.AsSpan(0, Count), Comm.Rank, 0, iteration);
        Receive.AsSpan(0, Count).Clear();
    }

    /// <summary>Applies the test hook, then checks that the partner's message for <paramref name="iteration"/> arrived intact.</summary>
    protected Mismatch? VerifyReceived(int iteration, Func<int, int, bool>? corrupt)
    {
        if (corrupt?.Invoke(Comm.Rank, iteration) == true)
            Receive[0] = T.Zero;
        return Pattern.CheckRank<T>(Receive.AsSpan(0, Count), Partner, 0, iteration);
    }
}
