using Hpc.Diagnostics;

namespace Hpc;

/// <summary>
/// One thread's trace spans in chunks of fixed size, so appending never copies what was kept
/// (a growing list would copy, and reallocate on the large-object heap, as the trace grows).
/// The lock is uncontended: only the owning thread appends; mpirun's request reads at Finalize.
/// </summary>
internal sealed class SpanStore
{
    private const int ChunkLength = 1024;
    private readonly List<TraceSpan[]> _chunks = [];
    private int _used = ChunkLength;

    /// <summary>Keeps <paramref name="span"/>.</summary>
    public void Add(in TraceSpan span)
    {
        lock (_chunks)
        {
            if (_used == ChunkLength)
            {
                _chunks.Add(new TraceSpan[ChunkLength]);
                _used = 0;
            }
            _chunks[^1][_used++] = span;
        }
    }

    /// <summary>Forgets every span.</summary>
    public void Clear()
    {
        lock (_chunks)
        {
            _chunks.Clear();
            _used = ChunkLength;
        }
    }

    /// <summary>The spans kept, in the order they were added.</summary>
    public TraceSpan[] ToArray()
    {
        lock (_chunks)
        {
            if (_chunks.Count == 0)
                return [];
            var all = new TraceSpan[(_chunks.Count - 1) * ChunkLength + _used];
            for (int c = 0; c < _chunks.Count; c++)
                Array.Copy(_chunks[c], 0, all, c * ChunkLength, c == _chunks.Count - 1 ? _used : ChunkLength);
            return all;
        }
    }
}

/// <summary>An algorithm enum's names, looked up without boxing or formatting on every traced call.</summary>
internal static class AlgorithmName<TAlgorithm> where TAlgorithm : struct, Enum
{
    private static readonly Dictionary<TAlgorithm, string> s_names = Enum.GetValues<TAlgorithm>().Distinct().ToDictionary(v => v, v => v.ToString());

    /// <summary>The value's name (its number for a value the enum does not define).</summary>
    public static string Of(TAlgorithm value) => s_names.TryGetValue(value, out string? name) ? name : value.ToString();
}

/// <summary>One timed call for <c>--trace</c>: what it was and when, in Stopwatch timestamps.</summary>
internal readonly record struct TraceSpan(CallKind Kind, string? Communicator, int Peer, int Tag, long Bytes, int Sequence,
    string? Algorithm, long Start, long End);
