using Hpc.Interop;
using Hpc.Messaging;

namespace Hpc.Transport.SharedMemory;

/// <summary>
/// A link to a rank on the same host through shared memory. Sending writes the frame into this
/// rank's ring in the peer's inbox and rings the peer's doorbell only if its reader sleeps.
/// Receiving reads frames in place from the peer's ring in this rank's inbox, copying each
/// payload once, into the user's buffer. Large messages are read with one kernel copy straight
/// from the sender's memory (process_vm_readv) when the kernel allows it, and otherwise stream
/// through the ring in chunks.
/// </summary>
internal sealed unsafe class SharedMemoryLink : IPeerLink
{
    /// <summary>
    /// Messages up to this size are copied through the ring by default (a quarter of the ring at
    /// most, so several fit in flight); larger ones use rendezvous. Two copies of 64 KiB cost less
    /// than a rendezvous's round trip and single copy: measured 2026-12-07, np 2 pinned, 64 KiB
    /// ping-pong 4.8-5.7 µs eager against 8.7-10 µs by rendezvous (Open MPI 6.5-7.2 µs), and beside
    /// two CPU-bound processes 5-16 µs against 36-51 µs.
    /// </summary>
    public static long DefaultEagerLimit(long ringBytes) => Math.Min(64 * 1024, ringBytes / 4);

    private readonly IFrameSink _sink;
    private readonly ProgressEngine _progress;
    private readonly int _peerWorldRank;
    private readonly SpscRing _outbound;
    private readonly SpscRing _inbound;
    private readonly SharedSegment _peerSegment;
    private readonly int* _peerDoorbell;
    private readonly int* _peerSleeping;
    private readonly int* _peerPollSleepers;
    private readonly InboxBellRinger _peerBell;
    private readonly Lock _sendLock = new();
    private int _draining;
    private readonly FrameLimits _limits;
    private readonly Action _progressWhileFull;
    private static int s_pullFailureLogged;
    private bool _pullRefused;

    public SharedMemoryLink(IFrameSink sink, ProgressEngine progress, int peerWorldRank, SharedMemoryInbox inbox, SharedSegment peerSegment, bool verbose, bool singleCopy = true,
        long? eagerLimit = null, bool populate = false)
    {
        _pullRefused = !singleCopy;
        _sink = sink;
        _progress = progress;
        _peerWorldRank = peerWorldRank;
        _peerSegment = peerSegment;
        _outbound = SharedMemoryInbox.RingIn(peerSegment, progress.WorldRank, inbox.RingBytes);
        OutboundCopyClaims = SharedMemoryInbox.CopyClaimsIn(peerSegment, progress.WorldRank, inbox.RingBytes);
        InboundCopyClaims = inbox.CopyClaimsFrom(peerWorldRank);
        if (populate)
        {
            // Map the parts of the peer's inbox this rank touches: its own slot there (claims and
            // ring) and the control part of the peer's collective area. Not the area's two
            // buffers: 512 KiB per peer, 128 pages whose first touch costs ~12 us each under this
            // kind of hypervisor, and a job whose collectives stay small never reads them; a large
            // collective faults in what it reads, once (np 8: Mpi.Init 92-95 ms of CPU per rank with
            // the buffers populated, 86-89 ms without, 2026-12-07).
            LinuxNative.Populate((byte*)OutboundCopyClaims, SharedMemoryInbox.SenderSlotBytes(inbox.RingBytes));
            LinuxNative.Populate(SharedMemoryInbox.CollectiveAreaOf(peerSegment), Collectives.SharedMemory.SharedCollectiveArea.ControlBytes);
        }
        _inbound = inbox.RingFrom(peerWorldRank);
        _peerDoorbell = SharedMemoryInbox.DoorbellOf(peerSegment);
        _peerSleeping = SharedMemoryInbox.SleepingOf(peerSegment);
        _peerPollSleepers = SharedMemoryInbox.PollSleepersOf(peerSegment);
        _peerBell = new InboxBellRinger(peerSegment.Path);
        MaxChunkBytes = Math.Min(RendezvousProtocol.ChunkBytes, _outbound.MaxRecordBytes - FrameHeader.Size) & ~63L;
        // HPC_EAGER_LIMIT applies here too, capped at what one ring record holds.
        EagerLimit = Math.Min(eagerLimit ?? DefaultEagerLimit(inbox.RingBytes), MaxChunkBytes);
        _limits = new FrameLimits(EagerLimit, MaxChunkBytes);
        Verbose = verbose;
        if (!singleCopy && verbose && Interlocked.Exchange(ref s_pullFailureLogged, 1) == 0)
            Console.Error.WriteLine($"hpc: rank {progress.WorldRank}: single-copy reads are off (HPC_SINGLE_COPY=0); large messages go through the shared ring");
        // A sender waiting for ring space keeps reading its own inbox, so two ranks that fill
        // each other's rings cannot wait on each other forever.
        _progressWhileFull = progress.Progress;
    }

    private bool Verbose { get; }

    /// <inheritdoc />
    public long EagerLimit { get; }

    /// <inheritdoc />
    public long MaxChunkBytes { get; }

    /// <inheritdoc />
    public bool CanPull => !_pullRefused;

    /// <inheritdoc />
    public long* InboundCopyClaims { get; }

    /// <inheritdoc />
    public long* OutboundCopyClaims { get; }

    /// <summary>The peer's area for shared-memory collectives, mapped into this process.</summary>
    public byte* PeerCollectiveArea => SharedMemoryInbox.CollectiveAreaOf(_peerSegment);

    /// <summary>True when the peer has written something this rank has not read yet.</summary>
    public bool HasData => _inbound.HasData;

    /// <inheritdoc />
    public void Send(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        Span<byte> encoded = stackalloc byte[FrameHeader.Size];
        header.Write(encoded);
        encoded = encoded[..header.EncodedSize];
        lock (_sendLock)
            _outbound.Write(encoded, payload, _progressWhileFull, _progress.Waiting.Spins);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref *_peerSleeping) != 0)
        {
            // Every sleeper: the peer's blocked call and its background reader may both sleep here.
            Interlocked.Increment(ref *_peerDoorbell);
            LinuxNative.Wake(_peerDoorbell, int.MaxValue);
        }
        // A peer that also has TCP peers sleeps in poll(2) on its bell instead (see InboxBell).
        if (Volatile.Read(ref *_peerPollSleepers) != 0)
            _peerBell.RingBell();
    }

    /// <inheritdoc />
    public bool NeedsPolling => true;

    /// <inheritdoc />
    public bool Poll()
    {
        // Not a Monitor: it is re-entrant, and a drain re-entered from a send made while
        // draining would read records the outer drain is still working on.
        if (!_inbound.HasData || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            return false;
        try
        {
            var self = this;
            return _inbound.Drain(ref self, static (ref SharedMemoryLink link, ReadOnlySpan<byte> record) => link.Dispatch(record)) > 0;
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }
    }

    /// <returns>False once the record completed a receive: the poll returns to its caller (see <see cref="SpscRing.Drain"/>).</returns>
    private bool Dispatch(ReadOnlySpan<byte> record)
    {
        FrameHeader header = FrameHeader.Read(record, _limits);
        long payloadLength = header.PayloadLength;
        int headerBytes = header.EncodedSize;
        if (headerBytes + payloadLength > record.Length)
            throw new ProtocolViolationException($"shared-memory record of {record.Length} bytes holds a frame of {headerBytes + payloadLength}");
        ReadOnlySpan<byte> payload = record.Slice(headerBytes, (int)payloadLength);
        if (header.Kind != FrameKind.RendezvousData)
            return !_sink.OnFrame(_peerWorldRank, header, payload);
        _sink.OnRendezvousData(header.ReceiverId, header.Offset, payload);
        return true;
    }

    /// <inheritdoc />
    public bool TryPull(int pid, long address, byte* destination, long length)
    {
        if (_pullRefused)
            return false;
        if (LinuxNative.TryReadProcessMemory(pid, address, destination, length))
            return true;
        _pullRefused = true;
        if (Verbose && Interlocked.Exchange(ref s_pullFailureLogged, 1) == 0)
            Console.Error.WriteLine($"hpc: rank {_progress.WorldRank}: single-copy reads refused by the kernel (errno {LinuxNative.LastError}); large messages go through the shared ring");
        return false;
    }

    /// <inheritdoc />
    public bool TryPush(int pid, long address, byte* source, long length) =>
        !_pullRefused && LinuxNative.TryWriteProcessMemory(pid, address, source, length);

    /// <inheritdoc />
    public void Dispose()
    {
        _peerBell.Dispose();
        _peerSegment.Dispose();
    }
}
