using System.Buffers;
using System.Runtime.CompilerServices;

namespace Hpc.Transport.SharedMemory;

/// <summary>
/// A single-producer, single-consumer ring of variable-size records in shared memory. The
/// producer's and the consumer's counters live on separate cache lines (no false sharing);
/// a record is written completely before the producer publishes the new tail with release
/// semantics, and the consumer frees the space by publishing the new head after it has copied
/// the record out. A record never wraps: when it does not fit before the end, a skip marker
/// sends the consumer back to the start, so every record can be read in place.
/// <code>
/// control block (128 bytes): [tail: long][pad to 64][head: long][pad to 128], then the data area
/// record: [length: int32, 8-aligned, including itself][pad to 8][bytes…]   length −1 = skip to start
/// </code>
/// </summary>
internal readonly unsafe struct SpscRing
{
    public const int ControlBytes = 128;
    private const int RecordPrefix = 8;
    private const int SkipMarker = -1;

    private readonly long* _tail;
    private readonly long* _head;
    private readonly byte* _data;
    private readonly long _capacity;

    public SpscRing(byte* control, long capacity)
    {
        _tail = (long*)control;
        _head = (long*)(control + 64);
        _data = control + ControlBytes;
        _capacity = capacity;
    }

    /// <summary>Largest record body this ring accepts.</summary>
    public long MaxRecordBytes => _capacity / 2 - RecordPrefix;

    /// <summary>Bytes one slot (control block and data) occupies.</summary>
    public static long SlotBytes(long capacity) => ControlBytes + capacity;

    /// <summary>True when the consumer has something to read.</summary>
    public bool HasData => Volatile.Read(ref *_tail) != Volatile.Read(ref *_head);

    /// <summary>
    /// Appends one record made of <paramref name="first"/> then <paramref name="second"/>, waiting
    /// while the ring is full. Only the single producer calls this.
    /// </summary>
    public void Write(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Action? whileFull)
    {
        long body = first.Length + second.Length;
        long need = Align(RecordPrefix + body);
        var spinner = new SpinWait();
        while (true)
        {
            // Re-read the tail on every attempt: whileFull may make progress that writes
            // records of its own into this ring (a reply sent while draining the inbox).
            long tail = *_tail;
            long position = tail & (_capacity - 1);
            long untilEnd = _capacity - position;
            long free = _capacity - (tail - Volatile.Read(ref *_head));
            if (need > untilEnd)
            {
                if (free >= untilEnd)
                {
                    *(int*)(_data + position) = SkipMarker;
                    Volatile.Write(ref *_tail, tail + untilEnd);
                    continue;
                }
            }
            else if (free >= need)
            {
                byte* record = _data + position;
                *(int*)record = (int)need;
                first.CopyTo(new Span<byte>(record + RecordPrefix, first.Length));
                second.CopyTo(new Span<byte>(record + RecordPrefix + first.Length, second.Length));
                Volatile.Write(ref *_tail, tail + need);
                return;
            }
            whileFull?.Invoke();
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>
    /// Reads every complete record now in the ring, in order, handing each to
    /// <paramref name="consume"/> before its space is freed. Only the single consumer calls this.
    /// </summary>
    /// <returns>Number of records consumed.</returns>
    public int Drain<TState>(ref TState state, ConsumeRecord<TState> consume)
    {
        long head = *_head;
        long tail = Volatile.Read(ref *_tail);
        int records = 0;
        while (head != tail)
        {
            long position = head & (_capacity - 1);
            int length = *(int*)(_data + position);
            if (length == SkipMarker)
            {
                head += _capacity - position;
                Volatile.Write(ref *_head, head);
                continue;
            }
            if (length < RecordPrefix || length > _capacity - position || (length & 7) != 0)
                throw new Messaging.ProtocolViolationException($"corrupt shared-memory record length {length}");
            consume(ref state, new ReadOnlySpan<byte>(_data + position + RecordPrefix, length - RecordPrefix));
            head += length;
            Volatile.Write(ref *_head, head);
            records++;
            if (head == tail)
                tail = Volatile.Read(ref *_tail);
        }
        return records;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Align(long bytes) => (bytes + 7) & ~7L;
}

/// <summary>Receives one record of a <see cref="SpscRing"/>; the span is valid only during the call.</summary>
internal delegate void ConsumeRecord<TState>(ref TState state, ReadOnlySpan<byte> record);
