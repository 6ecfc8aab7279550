using System.Diagnostics;

namespace Hpc.Messaging.Waiting;

/// <summary>
/// How every blocked call of one rank waits: point-to-point requests, the shared-memory
/// collectives' counters and senders waiting for ring space. A wait polls the links itself
/// through three phases, as MPICH's ch4 progress and Open MPI's <c>opal_progress</c> do:
/// <list type="number">
/// <item><b>spin</b>: poll with a single pause between polls, for an adaptive budget (see below);</item>
/// <item><b>relax</b>: poll less often, until the wait has lasted <see cref="BlockAfterMicroseconds"/>
/// in all. With a core per rank the rank keeps its core and pauses longer between polls; with more
/// ranks on the host than cores it yields (<c>sched_yield</c>, Open MPI's <c>mpi_yield_when_idle</c>),
/// because the rank it waits for may be the one waiting for this core. It does not yield with a
/// core per rank: when other processes share the cores, a yield hands the core to them for a whole
/// time slice (measured 2026-12-02 beside 2 CPU-bound processes, np 2: 64 KiB ping-pongs took
/// 2,000 µs with yields, 25-38 µs without, Open MPI 21-25 µs);</item>
/// <item><b>block</b>: sleep on something the sender wakes (the caller decides what), so a rank
/// blocked for long uses about 0 % CPU after the first millisecond.</item>
/// </list>
/// The spin budget adapts to what waits cost: a wait that ended while spinning doubles it (up to
/// <see cref="MaxSpinMicroseconds"/>), one that outlasted it halves it (down to a few polls), so a
/// rank whose peer keeps being descheduled stops polling at full rate after a handful of waits.
/// The polling time before a wait blocks adapts too, to whether the cores are shared: a wait whose
/// polling was preempted (the kernel counted an involuntary context switch of the thread) halves it,
/// down to the spin budget, and one that ended while polling unpreempted doubles it back, up to
/// <see cref="BlockAfterMicroseconds"/>. Polling on a shared core takes the time slice the peer
/// needs to answer, and a thread that sleeps is woken ahead of busy processes by the scheduler,
/// while one that polls or yields queues behind them; on idle cores nothing preempts a poller, so
/// a quiet host keeps the full polling time (see <see cref="BlockAfterMicroseconds"/> for why it needs it).
/// One instance per rank: two ranks-as-threads worlds in one process never change each other's waiting.
/// </summary>
internal sealed class WaitStrategy
{
    /// <summary>Longest adaptive spin: about a round trip of a 256 KiB message through a peer that slept.</summary>
    public const long MaxSpinMicroseconds = 200;

    /// <summary>Shortest adaptive spin: a few polls, for waits that keep finding the peer descheduled.</summary>
    public const long MinSpinMicroseconds = 2;

    /// <summary>
    /// A wait polls until it has lasted this long, then blocks. It must outlast the wake-up a
    /// sleeping peer needs to answer, or a ping-pong settles into both sides sleeping on every
    /// message (with a 200 µs limit, whole runs of 256 KiB round trips took ~550 µs instead of 33;
    /// 2026-12-01); and stay short enough that a rank blocked for long costs no CPU.
    /// </summary>
    public const long BlockAfterMicroseconds = 1000;

    /// <summary>
    /// Shortest polling time before a wait blocks, however busy the cores: a wait still notices a
    /// reply that comes within a scheduler wake-up without sleeping for it.
    /// </summary>
    public const long MinPollMicroseconds = 50;

    /// <summary>Polls between two readings of the clock: reading it costs more than a poll in a VM.</summary>
    private const int ClockEveryPolls = 64;

    private readonly long? _fixedSpinMicroseconds;
    private readonly int _cores;
    private readonly bool _adaptive;
    private long _maxSpinTicks;
    private long _minSpinTicks;
    private long _maxPollTicks;
    private long _minPollTicks;
    private long _spinTicks;
    private long _pollTicks;

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
        _maxPollTicks = Math.Max(_maxSpinTicks, ToTicks(BlockAfterMicroseconds));
        _minPollTicks = Math.Min(_maxPollTicks, ToTicks(MinPollMicroseconds));
        Volatile.Write(ref _spinTicks, _maxSpinTicks);
        Volatile.Write(ref _pollTicks, _maxPollTicks);
    }

    /// <summary>A strategy for tests and tools that never share cores.</summary>
    public static WaitStrategy Default { get; } = new(1, null);

    /// <summary>True when more ranks than cores share this host's cores: waits never spin.</summary>
    public bool Oversubscribed { get; private set; }

    /// <summary>True when waits begin with a spin phase (a core per rank, and a spin budget above 0).</summary>
    public bool Spins => _maxSpinTicks > 0;

    /// <summary>The current spin budget in microseconds (diagnostics and tests).</summary>
    public double SpinMicroseconds => Volatile.Read(ref _spinTicks) * 1e6 / Stopwatch.Frequency;

    /// <summary>How long a wait currently polls in all before it blocks, in microseconds (diagnostics and tests).</summary>
    public double PollMicroseconds => Volatile.Read(ref _pollTicks) * 1e6 / Stopwatch.Frequency;

    /// <summary>
    /// The polling time adapts unless the spin is fixed (<c>HPC_SPIN_US</c>) or the host is
    /// oversubscribed: such a host yields while it polls, and every yield to another thread counts
    /// as an involuntary switch.
    /// </summary>
    private bool AdaptsPolling => _adaptive && !Oversubscribed;

    /// <summary>Involuntary context switches of the calling thread so far (a source tests can replace).</summary>
    internal Func<long> Preemptions { get; init; } = ThreadPreemptions.Count;

    private static long ToTicks(long micros) => micros * Stopwatch.Frequency / 1_000_000;

    /// <summary>Starts one wait; call <see cref="Backoff.Pause"/> after every poll that found nothing.</summary>
    /// <param name="wokenByArrival">
    /// True when the caller, once the wait blocks, sleeps on something the sender wakes (a request);
    /// false when it can only nap (the shared-memory collectives' counters): such a wait always
    /// polls the full <see cref="BlockAfterMicroseconds"/>, since blocking early would only make it nap.
    /// </param>
    public Backoff Begin(bool wokenByArrival = true) => new(this, wokenByArrival);

    /// <summary>What one wait went through; a value type, so waiting allocates nothing.</summary>
    public struct Backoff
    {
        private readonly WaitStrategy _strategy;
        private long _start;
        private long _spinUntil;
        private long _yieldUntil;
        private int _polls;
        private bool _outlastedSpin;
        private bool _gaveUp;
        private long _preemptionsAtRelax;

        private readonly bool _adaptsPolling;

        internal Backoff(WaitStrategy strategy, bool wokenByArrival)
        {
            _strategy = strategy;
            _adaptsPolling = wokenByArrival && strategy.AdaptsPolling;
            _start = 0;
            _spinUntil = 0;
            _yieldUntil = 0;
            _polls = 0;
            _outlastedSpin = false;
            _gaveUp = false;
            _preemptionsAtRelax = -1;
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
                long polling = _adaptsPolling ? Volatile.Read(ref _strategy._pollTicks) : _strategy._maxPollTicks;
                _yieldUntil = _start + Math.Max(polling, _spinUntil - _start);
                // No spin budget (an oversubscribed host, HPC_SPIN_US=0): yield from the first pause.
                _outlastedSpin = _spinUntil == _start;
                if (_outlastedSpin && _adaptsPolling)
                    _preemptionsAtRelax = _strategy.Preemptions();
            }
            if (!_outlastedSpin)
            {
                if ((++_polls & (ClockEveryPolls - 1)) != 0 || Stopwatch.GetTimestamp() < _spinUntil)
                {
                    // A pause between polls: the hardware thread beside this one (often the peer
                    // rank, copying our data) gets the core's resources instead of our empty loads.
                    Thread.SpinWait(1);
                    return true;
                }
                _outlastedSpin = true;
                if (_adaptsPolling)
                    _preemptionsAtRelax = _strategy.Preemptions();
            }
            if (Stopwatch.GetTimestamp() >= _yieldUntil)
            {
                _gaveUp = true;
                return false;
            }
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
            _gaveUp = false;
            _preemptionsAtRelax = -1;
        }

        /// <summary>
        /// Ends the wait (its polling, when it goes on to block); the spin budget learns whether
        /// spinning paid off this time, the polling time whether polling shared its core.
        /// </summary>
        public readonly void Finish()
        {
            if (_start == 0 || !_strategy._adaptive)
                return;
            WaitStrategy s = _strategy;
            if (s._maxSpinTicks > 0)
            {
                long current = Volatile.Read(ref s._spinTicks);
                long next = _outlastedSpin ? Math.Max(s._minSpinTicks, current / 2) : Math.Min(s._maxSpinTicks, current * 2);
                if (next != current)
                    Volatile.Write(ref s._spinTicks, next);
            }
            if (_preemptionsAtRelax >= 0)
            {
                // Only the polling phase tells: a spin is too short to be preempted often, and a
                // wait that blocked unpreempted says nothing about how busy the cores are.
                long poll = Volatile.Read(ref s._pollTicks);
                long next = s.Preemptions() > _preemptionsAtRelax ? Math.Max(s._minPollTicks, poll / 2)
                    : _gaveUp ? poll : Math.Min(s._maxPollTicks, poll * 2);
                if (next != poll)
                    Volatile.Write(ref s._pollTicks, next);
            }
        }
    }
}
