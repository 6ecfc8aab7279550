using Hpc.Interop;
using Hpc.Messaging;

namespace Hpc.Transport.SharedMemory;

/// <summary>
/// This rank's shared-memory inbox: one file under /dev/shm holding a doorbell and one
/// <see cref="SpscRing"/> per possible sender. Senders write frames straight into their ring;
/// a background reader sleeps on the doorbell futex while some operation needs progress that
/// nobody spins for, so a rank blocked in Receive uses no CPU after its short spin; it parks
/// when nothing is pending, so senders do not ring a doorbell nobody needs.
/// <code>
/// [doorbell: int32][pad to 64][sleepers: int32][pad to 128][poll sleepers: int32][pad to 4096][collective area][slot of world rank 0][slot 1]…
/// slot of a sender: [copy claims: 8 × int64 (SharedCopy)][ring: 128-byte control block, then data]
/// </code>
/// Memory per rank: 4096 + SharedCollectiveArea.BytesPerRank (577 KiB) + size × (64 + 128 + ring) bytes, ring = 256 KiB up to
/// 16 ranks and 64 KiB above; pages of a ring that is never written are never allocated.
/// </summary>
internal sealed unsafe class SharedMemoryInbox : IDisposable, Messaging.Waiting.IArrivalSignal
{
    public const int HeaderBytes = 4096;

    private readonly SharedSegment _segment;
    private readonly List<SharedMemoryLink> _links = [];
    private readonly ProgressEngine _progress;
    private Thread? _reader;
    private volatile bool _stopping;

    private SharedMemoryInbox(SharedSegment segment, ProgressEngine progress, long ringBytes)
    {
        _segment = segment;
        _progress = progress;
        RingBytes = ringBytes;
    }

    public long RingBytes { get; }
    public string Path => _segment.Path;

    /// <summary>The file name of a rank's inbox: it carries the job id and the rank.</summary>
    public static string PathFor(string jobId, int rank) => $"/dev/shm/hpc-{jobId}-{rank}";

    /// <summary>
    /// The file of a shared array's host block (Hpc.Tasks.SharedArray): created by the host's
    /// leader, <paramref name="serial"/> numbering its blocks; same prefix as the inboxes, so
    /// mpirun's clean-up at job end (<c>hpc-&lt;jobid&gt;*</c>) takes it too.
    /// </summary>
    public static string HostBlockPathFor(string jobId, int leaderWorldRank, long serial) => $"{PathFor(jobId, leaderWorldRank)}-array{serial}";

    /// <summary>Size of an inbox for a world of <paramref name="worldSize"/>.</summary>
    public static long SegmentBytes(int worldSize, long ringBytes) => RingsOffset + worldSize * SenderSlotBytes(ringBytes);

    /// <summary>Bytes of one sender's slot: its copy claims, then its ring.</summary>
    public static long SenderSlotBytes(long ringBytes) => SharedCopy.ClaimBytes + SpscRing.SlotBytes(ringBytes);

    /// <summary>Where the area of the shared-memory collectives starts in a segment.</summary>
    public const long CollectiveAreaOffset = HeaderBytes;

    private const long RingsOffset = CollectiveAreaOffset + Collectives.SharedMemory.SharedCollectiveArea.BytesPerRank;

    /// <summary>The collective area of the owner of <paramref name="segment"/>.</summary>
    public static byte* CollectiveAreaOf(SharedSegment segment) => segment.Pointer + CollectiveAreaOffset;

    /// <summary>This rank's own collective area.</summary>
    public byte* CollectiveArea => CollectiveAreaOf(_segment);

    /// <summary>
    /// Up to this many ranks, inboxes are allocated and mapped at start, all but the collective
    /// buffers: otherwise the first lap around each ring takes a page fault every 4 KiB, which
    /// dominated small-message latency for the first thousands of messages. Larger jobs allocate
    /// pages as they are first written.
    /// </summary>
    public static bool PopulatesAtStart(int worldSize) => worldSize <= SmallJobRanks;

    private const int SmallJobRanks = 16;

    /// <summary>Ring size per sender: large for small jobs, smaller as the job grows so memory stays bounded.</summary>
    public static long RingBytesFor(int worldSize) => worldSize <= SmallJobRanks ? 256 * 1024 : 64 * 1024;

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static SharedMemoryInbox Create(string jobId, int rank, int worldSize, ProgressEngine progress)
    {
        long ringBytes = RingBytesFor(worldSize);
        string path = PathFor(jobId, rank);
        var segment = SharedSegment.Create(path, SegmentBytes(worldSize, ringBytes));
        if (PopulatesAtStart(worldSize))
        {
            // The header, the collective area's control part and the rings; the collective
            // buffers (512 KiB) fault in as far as the job's collectives use them (see SharedMemoryLink).
            LinuxNative.Populate(segment.Pointer, CollectiveAreaOffset + Collectives.SharedMemory.SharedCollectiveArea.ControlBytes);
            LinuxNative.Populate(segment.Pointer + RingsOffset, segment.Size - RingsOffset);
        }
        return new SharedMemoryInbox(segment, progress, ringBytes);
    }

    /// <summary>The ring in which <paramref name="senderWorldRank"/> writes to the owner of <paramref name="segment"/>.</summary>
    public static SpscRing RingIn(SharedSegment segment, int senderWorldRank, long ringBytes) =>
        new(SenderSlotIn(segment, senderWorldRank, ringBytes) + SharedCopy.ClaimBytes, ringBytes);

    /// <summary>The claim words of large messages <paramref name="senderWorldRank"/> sends to the owner of <paramref name="segment"/> (see <see cref="SharedCopy"/>).</summary>
    public static long* CopyClaimsIn(SharedSegment segment, int senderWorldRank, long ringBytes) =>
        (long*)SenderSlotIn(segment, senderWorldRank, ringBytes);

    private static byte* SenderSlotIn(SharedSegment segment, int senderWorldRank, long ringBytes) =>
        segment.Pointer + RingsOffset + senderWorldRank * SenderSlotBytes(ringBytes);

    /// <summary>The claim words of large messages <paramref name="senderWorldRank"/> sends to this rank.</summary>
    public long* CopyClaimsFrom(int senderWorldRank) => CopyClaimsIn(_segment, senderWorldRank, RingBytes);

    public static int* DoorbellOf(SharedSegment segment) => (int*)segment.Pointer;
    public static int* SleepingOf(SharedSegment segment) => (int*)(segment.Pointer + 64);

    /// <summary>Threads of the owner sleeping in poll(2) on its <see cref="InboxBell"/>: a sender rings the bell while this is not 0.</summary>
    public static int* PollSleepersOf(SharedSegment segment) => (int*)(segment.Pointer + 128);

    /// <summary>The bell threads of this rank poll beside TCP sockets; null until <see cref="OpenBell"/>.</summary>
    public InboxBell? Bell { get; private set; }

    /// <summary>Binds this inbox's <see cref="InboxBell"/>; false where the system has none.</summary>
    public bool OpenBell()
    {
        Bell ??= InboxBell.TryOpen(_segment.Path);
        return Bell is not null;
    }

    /// <summary>
    /// A thread is about to poll the bell: from the fence of this increment on, every sender
    /// rings it, so a message published after the caller's last look wakes it.
    /// </summary>
    public void BeginPollSleep() => Interlocked.Increment(ref *PollSleepersOf(_segment));

    /// <summary>Ends <see cref="BeginPollSleep"/>.</summary>
    public void EndPollSleep() => Interlocked.Decrement(ref *PollSleepersOf(_segment));

    public SpscRing RingFrom(int senderWorldRank) => RingIn(_segment, senderWorldRank, RingBytes);

    public void Register(SharedMemoryLink link) => _links.Add(link);

    /// <summary>Starts the background reader once every link is registered.</summary>
    public void Start()
    {
        if (_links.Count == 0)
            return;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "hpc-shm-reader" };
        _reader.Start();
    }

    /// <summary>Removes the file: after wire-up every peer has it mapped, and nothing is left behind even if a rank is killed.</summary>
    public void Unlink() => _segment.Unlink();

    private void ReadLoop()
    {
        try
        {
            while (!_stopping)
            {
                if (!_progress.WaitForBackgroundWorkOrPending(200))
                    continue;
                bool any = false;
                foreach (SharedMemoryLink link in _links)
                    any |= link.Poll();
                if (any || _progress.TryParkBackground())
                    continue;
                SleepOnDoorbell(null, 100);
            }
        }
        catch (Exception e) when (!_stopping)
        {
            Console.Error.WriteLine($"hpc: rank {_progress.WorldRank}: shared-memory reader failed: {e.Message}");
        }
    }

    /// <summary>True when some peer has written a frame this rank has not read yet.</summary>
    public bool AnyData()
    {
        foreach (SharedMemoryLink link in _links)
        {
            if (link.HasData)
                return true;
        }
        return false;
    }

    /// <inheritdoc />
    public void Sleep(Request request, int timeoutMilliseconds) => SleepOnDoorbell(request, timeoutMilliseconds);

    /// <summary>
    /// Sleeps on the doorbell unless <paramref name="request"/> completed, data waits or the inbox
    /// stops. The ticket first, then the announcement, then the last look: a sender that published
    /// before it saw the announcement is found by the look; one after it changes the ticket.
    /// </summary>
    private void SleepOnDoorbell(Request? request, int timeoutMilliseconds)
    {
        int* doorbell = DoorbellOf(_segment);
        int* sleepers = SleepingOf(_segment);
        int ticket = Volatile.Read(ref *doorbell);
        Interlocked.Increment(ref *sleepers);
        try
        {
            if (request?.IsCompleted != true && !AnyData() && !_stopping)
                LinuxNative.Wait(doorbell, ticket, timeoutMilliseconds);
        }
        finally
        {
            Interlocked.Decrement(ref *sleepers);
        }
    }

    /// <inheritdoc />
    public void WakeAll()
    {
        int* doorbell = DoorbellOf(_segment);
        Interlocked.Increment(ref *doorbell);
        LinuxNative.Wake(doorbell, int.MaxValue);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping = true;
        _progress.WakeBackgroundForShutdown();
        WakeAll();
        if (_reader is not null && Thread.CurrentThread != _reader)
            _reader.Join(TimeSpan.FromSeconds(2));
        _segment.Unlink();
        _segment.Dispose();
        Bell?.Dispose();
    }
}
