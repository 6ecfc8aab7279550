using System.Runtime.Intrinsics.X86;

namespace Hpc.Messaging.Waiting;

/// <summary>
/// How every blocked call of one rank waits: point-to-point requests, the shared-memory
/// collectives' counters and senders waiting for ring space. A wait polls the links itself
/// through three phases, as MPICH's ch4 progress and Open MPI's <c>opal_progress</c> do:
/// <list type="number">
/// <item><b>spin</b>: poll with a single pause between polls, for an adaptive budget (see below);</item>
/// <item><b>relax</b>: poll less often, until the wait has lasted <see cref="PollMicroseconds"/> in
/// all (20 µs with a core per rank). With more ranks than cores it yields between polls
/// (<c>sched_yield</c>, Open MPI's <c>mpi_yield_when_idle</c>), for up to
/// <see cref="OversubscribedPollMicroseconds"/>, because the rank it waits for may be the one
/// waiting for this core;</item>
/// <item><b>block</b>: sleep on something the sender wakes (the caller decides what), so a blocked
/// rank uses about 0 % CPU.</item>
/// </list>
/// Polling is short because blocking is cheap for a launched rank: its threads run with a short
/// time slice (<see cref="TimeSlice"/>) and, by default, a core each (mpirun's <c>--bind-to</c>), so
/// the sender's wake-up runs it at once even when a CPU-bound process shares its core, while a rank
/// that polls past its slice queues behind that process for a whole slice of its own. Measured
/// 2026-12-07, np 2 beside two CPU-bound processes on 2 cores: polling 1 ms before blocking,
/// ping-pongs and allreduces of 4 B-1 MiB averaged 60-4,000 µs with P99s of 4-6 ms; polling 20 µs,
/// 0.3-8 µs up to 64 KiB, at or below Open MPI's; on a quiet host the same or better at every size.
/// The spin budget adapts to what waits cost: a wait that ended while spinning doubles it (up to
/// <see cref="MaxSpinMicroseconds"/>), one that outlasted it halves it (down to a few polls).
/// One instance per rank: two ranks-as-threads worlds in one process never change each other's waiting.
/// </summary>
internal sealed class WaitStrategy
{
    // The budgets in stopwatch ticks, set by ShareCores; the spin budget adapts (Backoff.Finish).
    private readonly long? _fixedSpinMicroseconds;
    private readonly int _cores;
    private readonly bool _adaptive;
    private long _maxSpinTicks;
    private long _minSpinTicks;
    private long _pollTicks;
    private long _spinTicks;

    /// <summary>Longest adaptive spin: half of the polling time, so a wait that outlasts it still polls a little less often before it blocks.</summary>
    public const long MaxSpinMicroseconds = 10;

    /// <summary>Shortest adaptive spin: a few polls, for waits that keep finding the peer descheduled.</summary>
    public const long MinSpinMicroseconds = 2;

    /// <summary>
    /// With a core per rank, a wait polls this long in all, then blocks: about what a wake-up costs,
    /// so a wait never costs more than twice what the best choice would have, and well inside the
    /// rank's <see cref="TimeSlice"/>, so a polling rank blocks before the scheduler hands its core to
    /// a CPU-bound neighbour for a whole slice (see the class remarks for the measurements).
    /// </summary>
    public const long PollMicroseconds = 20;

    /// <summary>
    /// With more ranks than cores, a wait yields between polls for this long before it blocks: the
    /// ranks it waits for run in the time it yields, and each yield is as cheap as a poll when
    /// nothing else wants the core.
    /// </summary>
    public const long OversubscribedPollMicroseconds = 1000;

    /// <summary>
    /// What a peer's copy of a message is assumed to move per microsecond, to estimate how long
    /// a wait for it lasts (<see cref="Begin"/>): one process_vm_readv or memcpy of 256 KiB takes
    /// ~11-14 µs here (~20 KiB/µs), so 16 KiB/µs errs on the long side.
    /// </summary>
    public const long CopyBytesPerMicrosecond = 16 * 1024;

    /// <summary>How long a peer's copy of <paramref name="bytes"/> is expected to take, in microseconds.</summary>
    public static long CopyMicroseconds(long bytes) => bytes / CopyBytesPerMicrosecond;

    /// <summary>Polls between two readings of the clock: reading it costs more than a poll in a VM.</summary>
    private const int ClockEveryPolls = 64;

    /// <param name="ranksOnHost">Ranks sharing this host's cores (all of them, in a ranks-as-threads world).</param>
    /// <param name="fixedSpinMicroseconds">HPC_SPIN_US: a fixed spin budget; null adapts it.</param>
    /// <param name="cores">Cores of this host (default: the processor count).</param>
    public WaitStrategy(int ranksOnHost, long? fixedSpinMicroseconds, int? cores = null)
    {
        _fixedSpinMicroseconds = fixedSpinMicroseconds;
        _cores = cores ?? Environment.ProcessorCount;
        _adaptive = fixedSpinMicroseconds is null;
        ShareCores(ranksOnHost);
    }

    /// <summary>
    /// Says how many ranks compete for this host's cores, once wire-up knows: more than the
    /// host's ranks when several "hosts" are containers or namespaces of one machine. Call it
    /// before the rank's first wait that matters (it starts the adaptive budgets afresh).
    /// </summary>
    public void ShareCores(int ranks)
    {
        Oversubscribed = ranks > _cores;
        _maxSpinTicks = ToTicks(_fixedSpinMicroseconds ?? (Oversubscribed ? 0 : MaxSpinMicroseconds));
        _minSpinTicks = Math.Min(_maxSpinTicks, ToTicks(MinSpinMicroseconds));
        // A fixed spin longer than the polling phases keeps its meaning: spin that long, then block.
        _pollTicks = Math.Max(_maxSpinTicks, ToTicks(Oversubscribed ? OversubscribedPollMicroseconds : PollMicroseconds));
        Volatile.Write(ref _spinTicks, _maxSpinTicks);
    }

    /// <summary>A strategy for tests and tools that never share cores.</summary>
    public static WaitStrategy Default { get; } = new(1, null);

    /// <summary>True when more ranks than cores share this host's cores: waits never spin.</summary>
    public bool Oversubscribed { get; private set; }

    /// <summary>True when waits begin with a spin phase (a core per rank, and a spin budget above 0).</summary>
    public bool Spins => _maxSpinTicks > 0;

    /// <summary>The current spin budget in microseconds (diagnostics and tests).</summary>
    public double SpinMicroseconds => Volatile.Read(ref _spinTicks) * 1e6 / Stopwatch.Frequency;

    /// <summary>How long a wait polls in all before it blocks, in microseconds (diagnostics and tests).</summary>
    public double PollingMicroseconds => _pollTicks * 1e6 / Stopwatch.Frequency;

    private static long ToTicks(long micros) => micros * Stopwatch.Frequency / 1_000_000;

    /// <summary>Starts one wait; call <see cref="Backoff.Pause"/> after every poll that found nothing.</summary>
    /// <param name="peerWorkMicroseconds">
    /// How long the peer is known to be working for this wait (a receiver copying a large
    /// message out of this rank's memory): the wait polls that much longer before it blocks,
    /// since the wake-up it would otherwise need costs more than the polling.
    /// </param>
    public Backoff Begin(long peerWorkMicroseconds = 0) => new(this, ToTicks(peerWorkMicroseconds));

    /// <summary>What one wait went through; a value type, so waiting allocates nothing.</summary>
    public struct Backoff
    {
        private readonly WaitStrategy _strategy;
        private readonly long _peerWorkTicks;
        private long _start;
        private long _spinUntil;
        private long _pollUntil;
        private int _polls;
        private bool _outlastedSpin;

        // The other fields start at zero: a struct constructor zeroes what it does not assign.
        internal Backoff(WaitStrategy strategy, long peerWorkTicks = 0)
        {
            _strategy = strategy;
            _peerWorkTicks = peerWorkTicks;
        }

        /// <summary>True once the wait has gone past its spin phase.</summary>
        public readonly bool OutlastedSpin => _outlastedSpin;

        /// <summary>
        /// Pauses between two polls as the wait's phase says: a short pause while spinning, a
        /// longer one (or, on an oversubscribed host, a yield of the core) after that. Returns
        /// false once the wait should block instead.
        /// </summary>
        public bool Pause()
        {
            if (_start == 0)
            {
                // The first pause starts the clock: a wait that ends within a poll never reads it.
                _start = Stopwatch.GetTimestamp();
                _spinUntil = _start + Volatile.Read(ref _strategy._spinTicks);
                _pollUntil = _start + _strategy._pollTicks + _peerWorkTicks;
                // No spin budget (an oversubscribed host, HPC_SPIN_US=0): relax from the first pause.
                _outlastedSpin = _spinUntil == _start;
            }
            if (!_outlastedSpin)
            {
                if ((++_polls & (ClockEveryPolls - 1)) != 0 || Stopwatch.GetTimestamp() < _spinUntil)
                {
                    // A pause between polls: the hardware thread beside this one (often the peer
                    // rank, copying our data) gets the core's resources instead of our empty loads.
                    // The instruction itself where the processor has it: Thread.SpinWait(1) is a
                    // call into the runtime on every poll.
                    if (X86Base.IsSupported)
                        X86Base.Pause();
                    else
                        Thread.SpinWait(1);
                    return true;
                }
                _outlastedSpin = true;
            }
            if (Stopwatch.GetTimestamp() >= _pollUntil)
                return false;
            if (_strategy.Oversubscribed)
                Thread.Yield();
            else
                Thread.SpinWait(20);
            return true;
        }

        /// <summary>
        /// The operation moved (bytes of a large message arrived or left): the wait starts its
        /// phases over, so a waiter blocks only once its operation stalls.
        /// </summary>
        public void Restart()
        {
            _start = 0;
            _polls = 0;
            _outlastedSpin = false;
        }

        /// <summary>
        /// Ends the wait (its polling, when it goes on to block); the spin budget learns whether
        /// spinning paid off this time.
        /// </summary>
        public readonly void Finish()
        {
            if (_start == 0 || !_strategy._adaptive || _strategy._maxSpinTicks == 0)
                return;
            WaitStrategy s = _strategy;
            long current = Volatile.Read(ref s._spinTicks);
            long next = _outlastedSpin ? Math.Max(s._minSpinTicks, current / 2) : Math.Min(s._maxSpinTicks, current * 2);
            if (next != current)
                Volatile.Write(ref s._spinTicks, next);
        }
    }
}
