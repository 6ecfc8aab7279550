using System.Diagnostics;

namespace Hpc.Collectives.SharedMemory;

/// <summary>
/// The memory every rank of a single-host communicator can read directly: per rank, a published
/// sequence number and two buffers, inside each rank's /dev/shm inbox. A collective step s
/// writes the own buffer s mod 2, then publishes s; readers wait until a peer has published s
/// and read its buffer in place. Before writing buffer s mod 2 again, a rank waits until every
/// peer has published s − 1 — proof that they finished reading step s − 2 — so two buffers
/// suffice without any other handshake.
/// <code>
/// [published step: long][pad to 64][buffer 0: 256 KiB][buffer 1: 256 KiB]
/// </code>
/// </summary>
internal sealed unsafe class SharedCollectiveArea
{
    public const long BufferBytes = 256 * 1024;
    private const long HeaderBytes = 64;
    public const long BytesPerRank = HeaderBytes + 2 * BufferBytes;

    private readonly byte*[] _areas;
    private readonly int _rank;
    private readonly bool _oversubscribed;
    private readonly Action? _progress;
    private long _step;

    /// <param name="areas">Each member's area, indexed by rank in the communicator.</param>
    /// <param name="rank">This rank in the communicator.</param>
    /// <param name="oversubscribed">More ranks than cores on the host: wait politely from the start.</param>
    /// <param name="progress">
    /// Reads this rank's point-to-point links while it waits here: a peer may be blocked writing
    /// eager messages into a full ring of ours before it can reach this collective.
    /// </param>
    public SharedCollectiveArea(byte*[] areas, int rank, bool oversubscribed, Action? progress = null)
    {
        _areas = areas;
        _rank = rank;
        _oversubscribed = oversubscribed;
        _progress = progress;
        _step = Volatile.Read(ref *(long*)areas[rank]);
    }

    public int Size => _areas.Length;
    public int Rank => _rank;

    /// <summary>Begins the next step: waits until this rank's buffer for it may be overwritten; returns the step.</summary>
    public long BeginStep()
    {
        long step = ++_step;
        WaitForAll(step - 1);
        return step;
    }

    /// <summary>This rank's buffer for <paramref name="step"/>.</summary>
    public Span<byte> OwnBuffer(long step, long bytes) => new(Buffer(_rank, step), checked((int)bytes));

    /// <summary>Rank <paramref name="rank"/>'s buffer for <paramref name="step"/> (read only after it published the step).</summary>
    public ReadOnlySpan<byte> BufferOf(int rank, long step, long bytes) => new(Buffer(rank, step), checked((int)bytes));

    private byte* Buffer(int rank, long step) => _areas[rank] + HeaderBytes + (step & 1) * BufferBytes;

    /// <summary>Publishes <paramref name="step"/>: everything written to the own buffer before is visible to readers after.</summary>
    public void Publish(long step) => Volatile.Write(ref *(long*)_areas[_rank], step);

    /// <summary>Waits until rank <paramref name="rank"/> has published at least <paramref name="step"/>.</summary>
    public void WaitFor(int rank, long step)
    {
        long* published = (long*)_areas[rank];
        if (Volatile.Read(ref *published) >= step)
            return;
        WaitSlow(published, step);
    }

    /// <summary>Waits until every member has published at least <paramref name="step"/>.</summary>
    public void WaitForAll(long step)
    {
        for (int r = 0; r < _areas.Length; r++)
        {
            if (r != _rank)
                WaitFor(r, step);
        }
    }

    private void WaitSlow(long* published, long step)
    {
        // A rank stuck behind a slow peer costs almost no CPU after the first millisecond.
        // With a core each, spin for the first millisecond (a yield can hand the core to another
        // thread for a whole time slice); with more ranks than cores, yield from the start.
        long start = Stopwatch.GetTimestamp();
        long politeAfter = start + Stopwatch.Frequency / 1000;
        while (Volatile.Read(ref *published) < step)
        {
            _progress?.Invoke();
            long now = Stopwatch.GetTimestamp();
            if (now >= politeAfter)
                Thread.Sleep(1);
            else if (_oversubscribed)
                Thread.Yield();
            else
                Thread.SpinWait(20);
        }
    }
}
