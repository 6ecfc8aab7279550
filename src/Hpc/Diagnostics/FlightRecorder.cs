using Hpc.Reduction;

namespace Hpc.Diagnostics;

/// <summary>One call as the flight recorder keeps it: plain fields, no allocation to record.</summary>
internal struct RecordedCall
{
    public CallKind Kind;
    public Communicator? Communicator;
    public int Peer;
    public int Tag;
    public int Sequence;
    public int Root;
    public long Count;
    public Type? ElementType;
    public string? Op;
    /// <summary>Stopwatch timestamp at entry when calls are timed (<c>--profile</c>, <c>--trace</c>); 0 otherwise.</summary>
    public long Start;
    /// <summary>0 while in progress; the Stopwatch timestamp at exit when timed; −1 when done and not timed.</summary>
    public long End;

    /// <summary><c>Allreduce #184 (count=1024, float, op=sum) on world</c> or <c>Receive(source=5, tag=9, count=1, int) on world</c>.</summary>
    public readonly string Describe()
    {
        string name = CallKinds.Name(Kind);
        var text = new System.Text.StringBuilder(name);
        if (CallKinds.IsCollective(Kind))
            text.Append(" #").Append(Sequence.ToString(CultureInfo.InvariantCulture)).Append(' ');
        text.Append('(');
        if (Peer >= 0)
            text.Append(Kind == CallKind.Send ? "dest=" : "source=").Append(Peer.ToString(CultureInfo.InvariantCulture)).Append(", ");
        else if (Peer == Communicator.AnySource && !CallKinds.IsCollective(Kind))
            text.Append("source=any, ");
        if (Tag >= 0)
            text.Append("tag=").Append(Tag.ToString(CultureInfo.InvariantCulture)).Append(", ");
        else if (Tag == Communicator.AnyTag && !CallKinds.IsCollective(Kind))
            text.Append("tag=any, ");
        text.Append("count=").Append(Count.ToString(CultureInfo.InvariantCulture)).Append(", ").Append(ElementType is null ? "?" : TypeNames.Of(ElementType));
        if (Root >= 0)
            text.Append(", root=").Append(Root.ToString(CultureInfo.InvariantCulture));
        if (Op is not null)
            text.Append(", op=").Append(Op);
        text.Append(')');
        if (Communicator is not null)
            text.Append(" on ").Append(Communicator.Name);
        return text.ToString();
    }
}

/// <summary>
/// The last N calls of one thread, as NCCL's flight recorder keeps them: a ring of structs the
/// thread overwrites in place, so recording costs a few stores and never allocates. mpirun dumps
/// it with the hang report. Only the owning thread writes; a reader on the control thread may see
/// an entry half overwritten, which a diagnostic can afford.
/// </summary>
internal sealed class FlightRecorder
{
    private readonly RecordedCall[] _entries;
    private readonly int _mask;
    private long _next;

    /// <summary>Keeps the last <paramref name="capacity"/> calls, rounded up to a power of two (at least 1).</summary>
    public FlightRecorder(int capacity)
    {
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, capacity));
        _entries = new RecordedCall[size];
        _mask = size - 1;
    }

    /// <summary>Entries it holds at most.</summary>
    public int Capacity => _entries.Length;

    /// <summary>Calls recorded since the start (the index the next one gets).</summary>
    public long Recorded => Volatile.Read(ref _next);

    /// <summary>The slot for the next call; the caller fills it and then calls <see cref="Commit"/>.</summary>
    public ref RecordedCall Next(out long index)
    {
        index = _next;
        return ref _entries[index & _mask];
    }

    /// <summary>Publishes the slot <see cref="Next"/> returned.</summary>
    public void Commit(long index) => Volatile.Write(ref _next, index + 1);

    /// <summary>The entry recorded as <paramref name="index"/> (valid until N more calls overwrite it).</summary>
    public ref RecordedCall At(long index) => ref _entries[index & _mask];

    /// <summary>The calls it still holds, oldest first.</summary>
    public RecordedCall[] Snapshot()
    {
        long next = Volatile.Read(ref _next);
        long first = Math.Max(0, next - _entries.Length);
        var calls = new RecordedCall[next - first];
        for (long i = first; i < next; i++)
            calls[i - first] = _entries[i & _mask];
        return calls;
    }

    /// <summary><c>Allreduce #3 (…) on world: 0.12 ms, 2.0 s ago</c> or <c>…: in progress for 4.1 s</c>.</summary>
    public static string Describe(in RecordedCall call, long now)
    {
        if (call.Start == 0)
            return call.Describe() + (call.End == 0 ? ": in progress" : ": done"); // untimed: no clock was read
        double sinceStart = (now - call.Start) / (double)Stopwatch.Frequency;
        string when = call.End switch
        {
            0 => $"in progress for {Seconds(sinceStart)}",
            -1 => $"started {Seconds(sinceStart)} ago, done",
            _ => $"{Milliseconds((call.End - call.Start) / (double)Stopwatch.Frequency)}, ended {Seconds((now - call.End) / (double)Stopwatch.Frequency)} ago",
        };
        return call.Describe() + ": " + when;
    }

    private static string Seconds(double s) => s.ToString(s < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture) + " s";

    private static string Milliseconds(double s) => (s * 1e3).ToString("0.###", CultureInfo.InvariantCulture) + " ms";
}
