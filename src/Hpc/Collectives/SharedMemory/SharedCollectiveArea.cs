using Hpc.Interop;
using Hpc.Transport.SharedMemory;

namespace Hpc.Collectives.SharedMemory;

/// <summary>
/// The memory every rank of a single-host communicator can read directly: per rank, a published
/// sequence number and two buffers, inside each rank's /dev/shm inbox. A collective step s
/// writes the own buffer s mod 2, then publishes s; readers wait until a peer has published s
/// and read its buffer in place. Before writing buffer s mod 2 again, a rank waits until every
/// peer has published s − 1 — proof that they finished reading step s − 2 — so two buffers
/// suffice without any other handshake.
/// <para>
/// Small collectives (today: broadcasts that fit a slot) do not step in lock: each is numbered
/// n, a rank that contributes writes slot n mod <see cref="SlotCount"/> of its own area (the
/// sequence number in the slot's first word, the data right behind it, so a tiny message is one
/// cache line), readers wait for that word and read in place, and every rank then acknowledges
/// n. A writer waits only when it is <see cref="SlotCount"/> collectives ahead of the slowest
/// rank, so back-to-back broadcasts pipeline as eager sends do.
/// </para>
/// <code>
/// [published step: long][sleepers: int][pad to 64][last small collective finished: long][pad to 128]
/// [slot 0: sequence + 4152 B]…[slot 15][buffer 0: 256 KiB][buffer 1: 256 KiB]
/// </code>
/// A rank whose wait outlasts its polling sleeps on the futex of the word it waits for (its low
/// half), after counting itself in the owner's <c>sleepers</c>; an owner that publishes with
/// sleepers counted wakes that word. So a rank blocked in a collective uses no CPU and wakes
/// within a scheduler wake-up of its peer's publish, instead of napping 100 µs at a time.
/// </summary>
internal sealed unsafe class SharedCollectiveArea
{
    public const long BufferBytes = 256 * 1024;

    /// <summary>Slots per rank: how many small collectives a writer may run ahead of the slowest rank.</summary>
    public const int SlotCount = 16;

    /// <summary>The most data a slot holds.</summary>
    public const int SlotPayloadBytes = SlotBytes - sizeof(long);

    private const int SlotBytes = 4160;
    private const long SleepersOffset = 8;
    private const long AcknowledgedOffset = 64;

    /// <summary>
    /// Longest futex sleep: the waiter reads its point-to-point links at least this often (a peer
    /// may be blocked writing into a full ring of ours before it can reach this collective).
    /// </summary>
    private const int SleepMilliseconds = 1;
    private const long SlotsOffset = 128;
    private const long BuffersOffset = SlotsOffset + SlotCount * SlotBytes;
    public const long BytesPerRank = BuffersOffset + 2 * BufferBytes;

    /// <summary>
    /// The start of an area that every collective uses, small ones included: the published step,
    /// the sleepers, the acknowledgement and the slots (65 KiB); the two buffers after it are
    /// touched only as far as a collective's data reaches.
    /// </summary>
    public const long ControlBytes = BuffersOffset;

    private readonly byte*[] _areas;
    private readonly int _rank;
    private readonly Messaging.Waiting.WaitStrategy _waiting;
    private readonly Action? _progress;
    private long _step;
    private long _smallCollectives;
    private long _slowestAcknowledged;

    /// <param name="areas">Each member's area, indexed by rank in the communicator.</param>
    /// <param name="rank">This rank in the communicator.</param>
    /// <param name="oversubscribed">More ranks than cores on the host: wait politely from the start.</param>
    /// <param name="progress">See the other constructor.</param>
    public SharedCollectiveArea(byte*[] areas, int rank, bool oversubscribed, Action? progress = null)
        : this(areas, rank, new Messaging.Waiting.WaitStrategy(oversubscribed ? int.MaxValue : 1, null), progress)
    {
    }

    /// <param name="areas">Each member's area, indexed by rank in the communicator.</param>
    /// <param name="rank">This rank in the communicator.</param>
    /// <param name="waiting">How this rank waits (the rank's one wait strategy, shared with its point-to-point waits).</param>
    /// <param name="progress">
    /// Reads this rank's point-to-point links while it waits here: a peer may be blocked writing
    /// eager messages into a full ring of ours before it can reach this collective.
    /// </param>
    public SharedCollectiveArea(byte*[] areas, int rank, Messaging.Waiting.WaitStrategy waiting, Action? progress = null)
    {
        _areas = areas;
        _rank = rank;
        _waiting = waiting;
        _progress = progress;
        _step = Volatile.Read(ref *(long*)areas[rank]);
    }

    public int Size => _areas.Length;

    /// <summary>Ranks asleep on this rank's words right now (tests and diagnostics).</summary>
    public int Sleepers => Volatile.Read(ref *(int*)(_areas[_rank] + SleepersOffset));
    public int Rank => _rank;

    /// <summary>Begins the next step: waits until this rank's buffer for it may be overwritten; returns the step.</summary>
    /// <param name="peerCopyBytes">
    /// Bytes each peer copies in the step it may still be finishing: the wait polls for that
    /// copy's length as well before it sleeps (<see cref="Messaging.Waiting.WaitStrategy.Begin"/>).
    /// </param>
    public long BeginStep(long peerCopyBytes = 0)
    {
        long step = ++_step;
        WaitForAll(step - 1, peerCopyBytes);
        return step;
    }

    /// <summary>This rank's buffer for <paramref name="step"/>.</summary>
    public Span<byte> OwnBuffer(long step, long bytes) => new(Buffer(_rank, step), checked((int)bytes));

    /// <summary>Rank <paramref name="rank"/>'s buffer for <paramref name="step"/> (read only after it published the step).</summary>
    public ReadOnlySpan<byte> BufferOf(int rank, long step, long bytes) => new(Buffer(rank, step), checked((int)bytes));

    private byte* Buffer(int rank, long step) => _areas[rank] + BuffersOffset + (step & 1) * BufferBytes;

    /// <summary>
    /// Begins the next small collective (one that fits a slot) and returns its sequence number.
    /// A rank that will write its slot (<paramref name="writes"/>) first waits until every rank
    /// acknowledged the collective that last used that slot, <see cref="SlotCount"/> earlier.
    /// </summary>
    public long BeginSmall(bool writes)
    {
        long sequence = ++_smallCollectives;
        long reusable = sequence - SlotCount;
        if (writes && _slowestAcknowledged < reusable)
            _slowestAcknowledged = WaitForAllAcknowledged(reusable);
        return sequence;
    }

    /// <summary>This rank's slot for small collective <paramref name="sequence"/>.</summary>
    public Span<byte> OwnSlot(long sequence, int bytes)
    {
        Debug.Assert(bytes <= SlotPayloadBytes);
        return new Span<byte>(Slot(_rank, sequence) + 1, bytes);
    }

    /// <summary>Publishes the own slot: what was written to it before is visible to readers after.</summary>
    public void PublishSlot(long sequence)
    {
        long* slot = Slot(_rank, sequence);
        Volatile.Write(ref *slot, sequence);
        WakeSleepers(slot);
    }

    /// <summary>Rank <paramref name="rank"/>'s slot for <paramref name="sequence"/>, once it published it.</summary>
    public ReadOnlySpan<byte> SlotOf(int rank, long sequence, int bytes)
    {
        Debug.Assert(bytes <= SlotPayloadBytes);
        long* slot = Slot(rank, sequence);
        WaitAtLeast(rank, slot, sequence);
        return new ReadOnlySpan<byte>(slot + 1, bytes);
    }

    /// <summary>
    /// Ends small collective <paramref name="sequence"/>: this rank will not read any slot of it
    /// again. Every rank acknowledges, writers too: the next writer waits for every rank but itself.
    /// </summary>
    public void EndSmall(long sequence)
    {
        long* acknowledged = (long*)(_areas[_rank] + AcknowledgedOffset);
        Volatile.Write(ref *acknowledged, sequence);
        WakeSleepers(acknowledged);
    }

    private long* Slot(int rank, long sequence) => (long*)(_areas[rank] + SlotsOffset + (sequence % SlotCount) * SlotBytes);

    /// <returns>The lowest sequence number the peers acknowledged, at least <paramref name="sequence"/>.</returns>
    private long WaitForAllAcknowledged(long sequence)
    {
        long slowest = long.MaxValue;
        for (int r = 0; r < _areas.Length; r++)
        {
            if (r == _rank)
                continue;
            long* acknowledged = (long*)(_areas[r] + AcknowledgedOffset);
            WaitAtLeast(r, acknowledged, sequence);
            slowest = Math.Min(slowest, Volatile.Read(ref *acknowledged));
        }
        return slowest;
    }

    /// <summary>Publishes <paramref name="step"/>: everything written to the own buffer before is visible to readers after.</summary>
    public void Publish(long step)
    {
        long* published = (long*)_areas[_rank];
        Volatile.Write(ref *published, step);
        WakeSleepers(published);
    }

    /// <summary>
    /// After a write to one of this rank's words: wakes the ranks sleeping on it, if any rank
    /// sleeps on this rank's words. The full fence pairs with the sleeper's count-then-check: either
    /// this rank sees the sleeper counted, or the sleeper sees the new value and does not sleep.
    /// </summary>
    private void WakeSleepers(long* word)
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref *(int*)(_areas[_rank] + SleepersOffset)) > 0)
            LinuxNative.Wake((int*)word, int.MaxValue);
    }

    /// <summary>
    /// Waits until rank <paramref name="rank"/> has published at least <paramref name="step"/>;
    /// <paramref name="peerCopyBytes"/>: what it copies before it publishes (it polls that much longer).
    /// </summary>
    public void WaitFor(int rank, long step, long peerCopyBytes = 0) => WaitAtLeast(rank, (long*)_areas[rank], step, peerCopyBytes);

    /// <summary>Waits until every member has published at least <paramref name="step"/>.</summary>
    public void WaitForAll(long step, long peerCopyBytes = 0)
    {
        for (int r = 0; r < _areas.Length; r++)
        {
            if (r != _rank)
                WaitFor(r, step, peerCopyBytes);
        }
    }

    /// <summary>Waits until rank <paramref name="owner"/>'s counter at <paramref name="word"/> reaches <paramref name="value"/>.</summary>
    private void WaitAtLeast(int owner, long* word, long value, long peerCopyBytes = 0)
    {
        if (Volatile.Read(ref *word) < value)
            WaitSlow(owner, word, value, peerCopyBytes);
    }

    private void WaitSlow(int owner, long* published, long step, long peerCopyBytes)
    {
        // Poll as every wait of this rank does (WaitStrategy), reading the links too; then sleep on
        // the word's futex until the owner's publish wakes it. Where there is no futex, nap: ~100 µs
        // at a time up to 10 ms, then a millisecond at a time (with 1 ms sleeps right away a root
        // and a reader of small broadcasts fell into lock step, 2.1 ms per 16 broadcasts, np 2).
        bool woken = LinuxNative.HasFutex;
        Messaging.Waiting.WaitStrategy.Backoff backoff = _waiting.Begin(Messaging.Waiting.WaitStrategy.CopyMicroseconds(peerCopyBytes));
        while (Volatile.Read(ref *published) < step)
        {
            _progress?.Invoke();
            if (Volatile.Read(ref *published) >= step || backoff.Pause())
                continue;
            backoff.Finish();
            if (woken)
                Sleep(owner, published, step);
            else
                Nap(published, step);
            return;
        }
        backoff.Finish();
    }

    private void Sleep(int owner, long* published, long step)
    {
        int* sleepers = (int*)(_areas[owner] + SleepersOffset);
        Interlocked.Increment(ref *sleepers);
        try
        {
            long seen;
            while ((seen = Volatile.Read(ref *published)) < step)
            {
                // The futex compares the low half of the 64-bit word (little-endian: at its address).
                LinuxNative.Wait((int*)published, unchecked((int)seen), SleepMilliseconds);
                _progress?.Invoke();
            }
        }
        finally
        {
            Interlocked.Decrement(ref *sleepers);
        }
    }

    private void Nap(long* published, long step)
    {
        long sleepAfter = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        while (Volatile.Read(ref *published) < step)
        {
            _progress?.Invoke();
            if (Stopwatch.GetTimestamp() >= sleepAfter)
                Thread.Sleep(1);
            else
                LinuxNative.Nap(100);
        }
    }
}
