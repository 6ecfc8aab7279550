using Hpc.Diagnostics;
using Hpc.Messaging;
using Hpc.Reduction;

namespace Hpc;

/// <summary>
/// Remembers, per thread, which call it is in and what it waits for, and the last calls it made
/// (<see cref="FlightRecorder"/>), so that a hung job can say so plainly when mpirun asks
/// (<c>--timeout</c>, <c>--hang-after</c>), e.g. <c>Allreduce #184 (count=1024, float, op=sum) on
/// world, waiting for rank 5</c>. With <c>--profile</c> or <c>--trace</c> it also times every call
/// and adds it to the profile counters or the trace. Recording is a few stores into a struct ring
/// on a thread-local object, without a clock read unless timing is on; formatting happens only when asked.
/// </summary>
/// <remarks>
/// One tracker per rank (its <see cref="RankRuntime"/>), so two worlds in one process (ranks as
/// threads, or two test worlds) describe only their own threads. The thread's current record is
/// cached in a thread-static beside the tracker it belongs to: the hot path is a field compare.
/// A call made inside another (a collective's sends) is not recorded: the outer one describes it.
/// </remarks>
internal sealed class CallTracker
{
    /// <summary>Default number of calls each thread's flight recorder keeps (<c>HPC_FLIGHT_RECORDER</c>).</summary>
    public const int DefaultRecorderSize = 16;

    /// <summary>Most spans one rank keeps for <c>--trace</c>; later calls are counted, not kept.</summary>
    public const int MaxTraceSpans = 200_000;

    /// <summary>
    /// Every thread's record, replaced whole (copy on write, under <see cref="_recordsLock"/>) when
    /// a thread makes its first call; readers (the hang report, the metrics, Finalize) take the
    /// array as it is, without a lock. Not a ConcurrentDictionary&lt;int, CallRecord&gt;: its code
    /// over int keys is in no ReadyToRun image, and every rank JIT-compiled a dozen of its methods
    /// at its first call (Mpi.Init's barrier).
    /// </summary>
    private CallRecord[] _records = [];
    private readonly Lock _recordsLock = new();
    private readonly ConditionalWeakTable<Communicator, object?> _communicators = new();
    private readonly int _recorderSize;
    private int _traceSpans;
    [ThreadStatic] private static CallRecord? t_record;
    [ThreadStatic] private static CallTracker? t_owner;

    /// <summary>A tracker keeping <paramref name="recorderSize"/> calls per thread; <paramref name="timed"/>: time every call (profile); <paramref name="tracing"/>: keep a span per call.</summary>
    public CallTracker(int recorderSize = DefaultRecorderSize, bool timed = false, bool tracing = false)
    {
        _recorderSize = recorderSize;
        Tracing = tracing;
        Timed = timed || tracing;
        Origin = Stopwatch.GetTimestamp();
    }

    /// <summary>Every call is timed when it ends (profile or trace on).</summary>
    public bool Timed { get; }

    /// <summary>Every call becomes a trace span.</summary>
    public bool Tracing { get; }

    /// <summary>Stopwatch timestamp of t = 0: the end of Init, aligned across ranks by a barrier when tracing.</summary>
    public long Origin { get; set; }

    /// <summary>Spans dropped because a rank kept <see cref="MaxTraceSpans"/> already.</summary>
    public int DroppedSpans { get; private set; }

    private CallRecord Record
    {
        get
        {
            if (ReferenceEquals(t_owner, this))
                return t_record!;
            CallRecord record = RecordOf(Environment.CurrentManagedThreadId);
            t_record = record;
            t_owner = this;
            return record;
        }
    }

    private CallRecord RecordOf(int thread)
    {
        if (Find(Volatile.Read(ref _records), thread) is { } known)
            return known;
        lock (_recordsLock)
        {
            CallRecord[] records = _records;
            if (Find(records, thread) is { } added)
                return added;
            var record = new CallRecord(this, _recorderSize, thread);
            var grown = new CallRecord[records.Length + 1];
            Array.Copy(records, grown, records.Length);
            grown[^1] = record;
            Volatile.Write(ref _records, grown);
            return record;
        }
    }

    private static CallRecord? Find(CallRecord[] records, int thread)
    {
        foreach (CallRecord record in records)
        {
            if (record.Thread == thread)
                return record;
        }
        return null;
    }

    /// <summary>Remembers <paramref name="communicator"/> for the hang report (its collective sequence number); held weakly.</summary>
    public void Register(Communicator communicator) => _communicators.TryAdd(communicator, null);

    /// <summary>Marks the start of a call; returns a token that ends it. <paramref name="sequence"/>: a collective's number on its communicator.</summary>
    public unsafe Scope Enter<T>(CallKind kind, Communicator communicator, int peer, int tag, long count,
        int sequence = 0, int root = -1, string? op = null) where T : unmanaged
    {
        CallRecord record = Record;
        if (record.Kind != CallKind.None)
            return default; // a call made inside another (a collective's sends) keeps the outer description
        ref RecordedCall entry = ref record.Recorder.Next(out long index);
        entry.Kind = kind;
        entry.Peer = peer;
        entry.Tag = tag;
        entry.Sequence = sequence;
        entry.Root = root;
        entry.Count = count;
        // References are stored only when they change: each store of one into the heap costs a
        // GC write barrier, on every message, and a slot mostly held the same communicator,
        // type and operation the last time round the ring.
        if (!ReferenceEquals(entry.Communicator, communicator))
            entry.Communicator = communicator;
        if (!ReferenceEquals(entry.ElementType, typeof(T)))
            entry.ElementType = typeof(T);
        if (!ReferenceEquals(entry.Op, op))
            entry.Op = op;
        entry.End = 0;
        // Untimed (no --profile, no --trace), a call costs no clock read: mpirun measures how long
        // a call has waited by seeing the same call in progress on successive queries.
        entry.Start = Timed ? Stopwatch.GetTimestamp() : 0;
        record.Recorder.Commit(index);
        record.Index = index;
        record.ElementSize = sizeof(T);
        record.Kind = kind;
        return new Scope(record);
    }

    /// <summary>The thread is about to sleep on <paramref name="request"/> (inside the call its current record describes); null: it woke.</summary>
    public static void Waiting(Request? request)
    {
        CallRecord? record = t_record;
        if (record is null)
            return;
        record.WaitingOn = request;
        if (record.Tracker.Tracing)
            record.TraceWait(request is not null);
    }

    /// <summary>One line per thread of this rank that is inside a call; "not inside an Hpc call" when none is.</summary>
    public string Describe() => Snapshot(0).Describe();

    /// <summary>This rank's state for the hang and desync report (<see cref="Divergence"/>).</summary>
    public RankSnapshot Snapshot(int rank)
    {
        long now = Stopwatch.GetTimestamp();
        var calls = new List<CallSnapshot>();
        var recent = new List<RecordedCall>();
        foreach (CallRecord record in Volatile.Read(ref _records))
        {
            int thread = record.Thread;
            recent.AddRange(record.Recorder.Snapshot());
            if (record.Kind == CallKind.None)
                continue;
            RecordedCall entry = record.Recorder.At(record.Index);
            string? text = record.Describe(entry);
            if (text is null || entry.Communicator is null)
                continue;
            CollectiveFingerprint? fingerprint = CallKinds.IsCollective(entry.Kind)
                ? new CollectiveFingerprint(CallKinds.Name(entry.Kind), CallKinds.IsVector(entry.Kind) ? -1 : entry.Count,
                    entry.ElementType is null ? "?" : TypeNames.Of(entry.ElementType), entry.Root, entry.Op)
                : null;
            double seconds = entry.Start == 0 ? -1 : (now - entry.Start) / (double)Stopwatch.Frequency;
            string id = thread.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + record.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            calls.Add(new CallSnapshot(text, KeyOf(entry.Communicator), entry.Sequence, fingerprint, seconds, id));
        }
        var communicators = new List<CommunicatorSnapshot>();
        foreach (KeyValuePair<Communicator, object?> pair in _communicators)
        {
            Communicator c = pair.Key;
            communicators.Add(new CommunicatorSnapshot(KeyOf(c), c.Name, RankRanges.Format(c.WorldRanks.ToArray()), c.Collective.Sequence));
        }
        string[] lines = [.. recent.OrderBy(c => c.Start).TakeLast(Math.Max(1, _recorderSize)).Select(c => FlightRecorder.Describe(c, now))];
        return new RankSnapshot(rank, RankCondition.Answered, calls, communicators, lines);
    }

    /// <summary>What identifies a communicator on all its members: context id and lowest world rank (disjoint groups may share an id).</summary>
    internal static string KeyOf(Communicator communicator)
    {
        int lowest = int.MaxValue;
        foreach (int r in communicator.WorldRanks)
            lowest = Math.Min(lowest, r);
        return communicator.Context.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + lowest.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Starts the profile and the trace afresh at t = 0 (now): wire-up's own calls are not the program's.</summary>
    public void StartClock()
    {
        foreach (CallRecord record in Volatile.Read(ref _records))
        {
            Array.Clear(record.Calls);
            Array.Clear(record.Bytes);
            Array.Clear(record.Ticks);
            record.Spans.Clear();
        }
        Volatile.Write(ref _traceSpans, 0);
        Origin = Stopwatch.GetTimestamp();
    }

    /// <summary>Calls and bytes per kind over every thread (always counted), and time (only with <c>--profile</c> or <c>--trace</c>).</summary>
    public (long Calls, long Bytes, long Ticks)[] Totals()
    {
        var totals = new (long, long, long)[CallKinds.Count];
        foreach (CallRecord record in Volatile.Read(ref _records))
        {
            for (int k = 0; k < CallKinds.Count; k++)
            {
                totals[k].Item1 += record.Calls[k];
                totals[k].Item2 += record.Bytes[k];
                totals[k].Item3 += record.Ticks[k];
            }
        }
        return totals;
    }

    /// <summary>Every span of every thread (<c>--trace</c>), each with the id of its thread.</summary>
    public List<(int Thread, TraceSpan Span)> Spans()
    {
        var spans = new List<(int, TraceSpan)>();
        foreach (CallRecord record in Volatile.Read(ref _records))
        {
            int thread = record.Thread;
            spans.AddRange(record.Spans.ToArray().Select(s => (thread, s)));
        }
        return spans;
    }

    private bool ReserveSpan()
    {
        if (Interlocked.Increment(ref _traceSpans) <= MaxTraceSpans)
            return true;
        DroppedSpans++;
        return false;
    }

    /// <summary>Ends the call it was returned for.</summary>
    internal readonly struct Scope(CallRecord? record) : IDisposable
    {
        /// <summary>Names the algorithm the collective runs, for the trace; costs nothing unless tracing.</summary>
        public void Algorithm<TAlgorithm>(TAlgorithm algorithm) where TAlgorithm : struct, Enum
        {
            if (record is not null && record.Tracker.Tracing)
                record.Algorithm = AlgorithmName<TAlgorithm>.Of(algorithm);
        }

        public void Dispose()
        {
            if (record is null)
                return;
            record.WaitingOn = null;
            ref RecordedCall entry = ref record.Recorder.At(record.Index);
            if (record.Tracker.Timed)
            {
                record.Finish(ref entry);
            }
            else
            {
                // Counted always (two adds), for the System.Diagnostics.Metrics counters (HpcMetrics).
                entry.End = -1;
                record.Calls[(int)entry.Kind]++;
                record.Bytes[(int)entry.Kind] += entry.Count * record.ElementSize;
            }
            record.Kind = CallKind.None;
        }
    }

    internal sealed class CallRecord(CallTracker tracker, int recorderSize, int thread)
    {
        public readonly CallTracker Tracker = tracker;

        /// <summary>The managed thread id of the thread this record describes.</summary>
        public readonly int Thread = thread;
        public readonly FlightRecorder Recorder = new(recorderSize);
        public volatile CallKind Kind;
        public long Index;
        public int ElementSize;
        public volatile Request? WaitingOn;
        public string? Algorithm;
        public readonly long[] Calls = new long[CallKinds.Count];
        public readonly long[] Bytes = new long[CallKinds.Count];
        public readonly long[] Ticks = new long[CallKinds.Count];
        public readonly SpanStore Spans = new();
        private long _waitStart;

        /// <summary>Times the call that ends now: profile counters, and its span when tracing.</summary>
        public void Finish(ref RecordedCall entry)
        {
            long end = Stopwatch.GetTimestamp();
            entry.End = end;
            int kind = (int)entry.Kind;
            Calls[kind]++;
            Bytes[kind] += entry.Count * ElementSize;
            Ticks[kind] += end - entry.Start;
            if (Tracker.Tracing)
            {
                AddSpan(new TraceSpan(entry.Kind, entry.Communicator?.Name, entry.Peer, entry.Tag, entry.Count * ElementSize,
                    entry.Sequence, Algorithm, entry.Start, end));
                Algorithm = null;
            }
        }

        /// <summary>A sleep inside a call: its own span, nested in the call's.</summary>
        public void TraceWait(bool starts)
        {
            if (starts)
            {
                _waitStart = Stopwatch.GetTimestamp();
                return;
            }
            if (_waitStart == 0)
                return;
            AddSpan(new TraceSpan(CallKind.Wait, null, -1, -1, 0, 0, null, _waitStart, Stopwatch.GetTimestamp()));
            _waitStart = 0;
        }

        private void AddSpan(in TraceSpan span)
        {
            if (!Tracker.ReserveSpan())
                return;
            Spans.Add(span);
        }

        public string? Describe(in RecordedCall entry)
        {
            if (Kind == CallKind.None)
                return null;
            var text = new StringBuilder(entry.Describe());
            switch (WaitingOn)
            {
                case ReceiveRequest receive when receive.Source >= 0:
                    text.Append(", waiting for rank ").Append(receive.Source);
                    break;
                case ReceiveRequest:
                    text.Append(", waiting for any rank");
                    break;
                case SendRequest send:
                    text.Append(", waiting for world rank ").Append(send.DestinationWorldRank).Append(" to receive");
                    break;
            }
            return text.ToString();
        }
    }
}
