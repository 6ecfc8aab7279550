using Hpc.Messaging.Waiting;

namespace Hpc.Messaging;

/// <summary>
/// Who reads a rank's links, and when (Open MPI's <c>opal_progress</c>). A blocked call reads them
/// itself (<see cref="Progress"/>) while it waits; the transports' background readers run only
/// while some operation needs progress that no call is making for it (a waiter that blocks
/// without an arrival signal, non-blocking and async operations, probes, a sender stuck inside a
/// frame), and park otherwise, so a message nobody waits for costs no thread wake-up: it waits
/// in the ring or socket for the next call, as in MPI.
/// </summary>
internal sealed class ProgressEngine
{
    private IPeerLink[] _links = [];
    // Only the links that need polling, read by every poll of every wait: a link that is never
    // read this way (the rank itself) would cost an interface call per poll, and a call site that
    // sees two link types dispatches through a slower stub than one that sees one.
    private IPeerLink[] _polledLinks = [];
    private readonly Lock _spinLock = new();
    // Set while background readers should run: nobody spins, and someone needs progress made
    // without making it itself.
    private readonly ManualResetEventSlim _backgroundWanted = new(true);
    private int _spinners;
    private int _blockedSends;
    private Func<bool> _hasPendingOperations = static () => false;

    public ProgressEngine(int worldRank, WaitStrategy waiting)
    {
        WorldRank = worldRank;
        Waiting = waiting;
    }

    /// <summary>The rank whose links these are.</summary>
    public int WorldRank { get; }

    /// <summary>How this rank's blocked calls wait.</summary>
    public WaitStrategy Waiting { get; }

    /// <summary>What a blocked call may sleep on itself, when one transport links this rank to every peer; else null.</summary>
    public IArrivalSignal? ArrivalSignal { get; set; }

    /// <summary>Links to every world rank, indexed by world rank (the own rank's link loops back).</summary>
    public void Connect(IPeerLink[] links)
    {
        _links = links;
        _polledLinks = Array.FindAll(links, link => link is not null && link.NeedsPolling);
    }

    /// <summary>The link to <paramref name="worldRank"/>.</summary>
    public IPeerLink LinkTo(int worldRank) => _links[worldRank];

    /// <summary>Tells the engine how to learn whether operations are in flight (posted receives, rendezvous, probes).</summary>
    public void TrackPending(Func<bool> hasPendingOperations) => _hasPendingOperations = hasPendingOperations;

    /// <summary>Polls every link once on the calling thread (see <see cref="IPeerLink.Poll"/>).</summary>
    public void Progress()
    {
        foreach (IPeerLink link in _polledLinks)
            link.Poll();
    }

    /// <summary>
    /// A thread starts spinning on this rank's links. While anyone spins, background readers
    /// stay parked: waking them for every message would only take a core from the spinner.
    /// </summary>
    /// <remarks>
    /// The count changes without the lock, which is taken only when the readers' event must
    /// change: a blocking call waits once per message, and two lock round trips per wait put
    /// four atomic operations (~8 ns each on this kind of VM) on a 0.2 µs ping-pong's path
    /// where the event almost never changes. Every decision under the lock re-reads the
    /// count, so the last one taken is right; a decision that races with a count change costs
    /// at most a reader that runs beside a spinner until it parks, or one that waits out its
    /// park timeout, never a hang.
    /// </remarks>
    public void EnterSpin()
    {
        if (Interlocked.Increment(ref _spinners) != 1 || !_backgroundWanted.IsSet)
            return;
        lock (_spinLock)
        {
            // A send blocked inside a frame still needs the readers, spinner or not.
            if (Volatile.Read(ref _spinners) > 0 && _blockedSends == 0)
                _backgroundWanted.Reset();
        }
    }

    /// <summary>
    /// A spinning thread stops polling. Background readers resume only when they have a reason:
    /// the spinner gave up (it now waits for a reader to complete its request), or operations
    /// are still pending that nobody spins on. Waking them after every completed blocking call
    /// would cost two thread wake-ups per message.
    /// </summary>
    public void ExitSpin(bool gaveUp)
    {
        // The decrement is a full fence: an operation started before it is seen as pending.
        if (Interlocked.Decrement(ref _spinners) != 0 || !(gaveUp || HasPendingOperations))
            return;
        lock (_spinLock)
        {
            if (Volatile.Read(ref _spinners) == 0)
                _backgroundWanted.Set();
        }
    }

    /// <summary>
    /// An operation was started that nobody will spin on (non-blocking and async calls): let the
    /// background readers make progress for it.
    /// </summary>
    public void RequestBackgroundProgress()
    {
        // Always under the lock, never a quick look at the event first: a reader deciding to
        // park (TryParkBackground) may have counted the pending operations before this one was
        // added and be about to reset the event; the lock orders the two.
        lock (_spinLock)
        {
            if (Volatile.Read(ref _spinners) == 0)
                _backgroundWanted.Set();
        }
    }

    /// <summary>
    /// Called by a background reader that found nothing to read: when no operation is pending,
    /// it parks until one is started. A reader that stays awake would sleep on the doorbell and
    /// make every peer's send ring it, a system call and a thread wake-up per message that nobody
    /// waits for.
    /// </summary>
    /// <returns>True when the reader should go back to <see cref="WaitForBackgroundWorkOrPending"/>.</returns>
    public bool TryParkBackground()
    {
        lock (_spinLock)
        {
            int spinners = Volatile.Read(ref _spinners);
            if (spinners > 0 || HasPendingOperations)
                return spinners > 0;
            _backgroundWanted.Reset();
            return true;
        }
    }

    private bool HasPendingOperations => Volatile.Read(ref _blockedSends) > 0 || _hasPendingOperations();

    /// <summary>
    /// A thread waits for room to send in the middle of a frame and cannot read meanwhile: the
    /// background readers must keep reading, or two ranks filling each other's sockets would stall.
    /// </summary>
    /// <remarks>
    /// The blocked thread may itself be counted as a spinner (a waiter writing its own large
    /// message, <see cref="IPeerLink.StartsReadersWhenBlocked"/>), so the readers start whether
    /// or not someone spins, and do not defer to spinners until every blocked send has ended.
    /// </remarks>
    public void BeginBlockedSend()
    {
        lock (_spinLock)
        {
            _blockedSends++;
            _backgroundWanted.Set();
        }
    }

    /// <summary>Ends <see cref="BeginBlockedSend"/>; with the last one, readers park again if someone spins (the spinner reads).</summary>
    public void EndBlockedSend()
    {
        lock (_spinLock)
        {
            if (--_blockedSends == 0 && Volatile.Read(ref _spinners) > 0)
                _backgroundWanted.Reset();
        }
    }

    /// <summary>True while some thread spins on this rank's links (it reads them itself) and no send is blocked inside a frame.</summary>
    public bool SomeoneSpins => Volatile.Read(ref _spinners) > 0 && Volatile.Read(ref _blockedSends) == 0;

    /// <summary>
    /// Wakes a parked background reader so it sees that its transport is stopping; without it
    /// Finalize would wait out the reader's park timeout (200 ms) in every rank.
    /// </summary>
    public void WakeBackgroundForShutdown() => _backgroundWanted.Set();

    /// <summary>
    /// Blocks a background reader until it has work, at most <paramref name="millisecondsTimeout"/>;
    /// after a timeout it also goes to work when operations are pending. The counts are read
    /// without the matching lock, so a reader could park on a momentarily wrong count; this
    /// bounds what such a miss costs to one timeout instead of a hang.
    /// </summary>
    public bool WaitForBackgroundWorkOrPending(int millisecondsTimeout) =>
        _backgroundWanted.Wait(millisecondsTimeout) || (Volatile.Read(ref _spinners) == 0 && HasPendingOperations);
}
