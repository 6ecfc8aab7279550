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

    /// <summary>Polls between two readings of the clock: reading it costs more than a poll in a VM.</summary>
    private const int ClockEveryPolls = 64;

    private readonly long _maxSpinTicks;
    private readonly long _minSpinTicks;
    private readonly long _yieldUntilTicks;
    private readonly bool _adaptive;
    private long _spinTicks;

    /// <param name="ranksOnHost">Ranks sharing this host's cores (all of them, in a ranks-as-threads world).</param>
    /// <param name="fixedSpinMicroseconds">HPC_SPIN_US: a fixed spin budget; null adapts it.</param>
    /// <param name="cores">Cores of this host (default: the processor count).</param>
    public WaitStrategy(int ranksOnHost, long? fixedSpinMicroseconds, int? cores = null)
    {
        Oversubscribed = ranksOnHost > (cores ?? Environment.ProcessorCount);
        _adaptive = fixedSpinMicroseconds is null;
        _maxSpinTicks = ToTicks(fixedSpinMicroseconds ?? (Oversubscribed ? 0 : MaxSpinMicroseconds));
        _minSpinTicks = Math.Min(_maxSpinTicks, ToTicks(MinSpinMicroseconds));
        _spinTicks = _maxSpinTicks;
        // A fixed spin longer than the polling phases keeps its meaning: spin that long, then block.
        _yieldUntilTicks = Math.Max(_maxSpinTicks, ToTicks(BlockAfterMicroseconds));
    }

    /// <summary>A strategy for tests and tools that never share cores.</summary>
    public static WaitStrategy Default { get; } = new(1, null);

    /// <summary>True when this host runs more ranks than cores: waits never spin.</summary>
    public bool Oversubscribed { get; }

    /// <summary>True when waits begin with a spin phase (a core per rank, and a spin budget above 0).</summary>
    public bool Spins => _maxSpinTicks > 0;

    /// <summary>The current spin budget in microseconds (diagnostics and tests).</summary>
    public double SpinMicroseconds => Volatile.Read(ref _spinTicks) * 1e6 / Stopwatch.Frequency;

    private static long ToTicks(long micros) => micros * Stopwatch.Frequency / 1_000_000;

    /// <summary>Starts one wait; call <see cref="Backoff.Pause"/> after every poll that found nothing.</summary>
    public Backoff Begin() => new(this);

    /// <summary>What one wait went through; a value type, so waiting allocates nothing.</summary>
    public struct Backoff
    {
        private readonly WaitStrategy _strategy;
        private long _start;
        private long _spinUntil;
        private long _yieldUntil;
        private int _polls;
        private bool _outlastedSpin;

        internal Backoff(WaitStrategy strategy)
        {
            _strategy = strategy;
            _start = 0;
            _spinUntil = 0;
            _yieldUntil = 0;
            _polls = 0;
            _outlastedSpin = false;
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
                _yieldUntil = _start + _strategy._yieldUntilTicks;
                // No spin budget (an oversubscribed host, HPC_SPIN_US=0): yield from the first pause.
                _outlastedSpin = _spinUntil == _start;
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
            }
            if (Stopwatch.GetTimestamp() >= _yieldUntil)
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

        /// <summary>Ends the wait; the spin budget learns whether spinning paid off this time.</summary>
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
