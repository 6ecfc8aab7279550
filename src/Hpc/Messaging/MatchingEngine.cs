using System.Runtime.InteropServices;

namespace Hpc.Messaging;

/// <summary>
/// Matches incoming messages with posted receives, one engine per rank. It keeps MPI's rules:
/// messages are matched in arrival order against receives in posting order, so two messages
/// from one sender on one communicator and tag are never overtaken (every link delivers in
/// order); <c>AnySource</c>/<c>AnyTag</c> wildcards; truncation fails the receive naming both
/// sizes. Messages above a link's eager limit travel by rendezvous: only a request is queued at
/// the receiver, and the data moves straight into the user's buffer once a receive matches, so
/// unmatched large messages cost the receiver a fixed amount of memory each.
/// </summary>
internal sealed unsafe class MatchingEngine
{
    /// <summary>Largest chunk of rendezvous data in one frame.</summary>
    public const long ChunkBytes = 1 << 20;

    private readonly object _lock = new();
    private readonly LinkedList<ReceiveRequest> _posted = new();
    private readonly LinkedList<UnexpectedMessage> _unexpected = new();
    private readonly Dictionary<long, SendRequest> _pendingSends = new();
    private readonly Dictionary<long, ReceiveRequest> _pendingReceives = new();
    private IPeerLink[] _links = [];
    private long _nextOperationId;
    private int _probeWaiters;

    public MatchingEngine(int worldRank, Waiting.WaitStrategy waiting)
    {
        WorldRank = worldRank;
        Waiting = waiting;
    }

    public int WorldRank { get; }

    /// <summary>How this rank's blocked calls wait.</summary>
    public Waiting.WaitStrategy Waiting { get; }

    /// <summary>What a blocked call may sleep on itself, when one transport links this rank to every peer; else null.</summary>
    public Waiting.IArrivalSignal? ArrivalSignal { get; set; }

    /// <summary>Links to every world rank, indexed by world rank (the own rank's link loops back).</summary>
    public void Connect(IPeerLink[] links) => _links = links;

    public IPeerLink LinkTo(int worldRank) => _links[worldRank];

    private readonly Lock _spinLock = new();
    // Set while background readers should run: nobody spins, and someone needs progress made
    // without making it itself (a waiter that gave up spinning, non-blocking operations, probes).
    private readonly ManualResetEventSlim _backgroundWanted = new(true);
    private int _spinners;

    /// <summary>
    /// A thread starts spinning on this engine's links. While anyone spins, background readers
    /// stay parked: waking them for every message would only take a core from the spinner.
    /// </summary>
    public void EnterSpin()
    {
        lock (_spinLock)
        {
            if (_spinners++ == 0)
                _backgroundWanted.Reset();
        }
    }

    /// <summary>
    /// A spinning thread stops polling. Background readers resume only when they have a reason:
    /// the spinner gave up (it now sleeps until a reader completes its request), or operations
    /// are still pending that nobody spins on. Waking them after every completed blocking call
    /// would cost two thread wake-ups per message.
    /// </summary>
    public void ExitSpin(bool gaveUp)
    {
        lock (_spinLock)
        {
            if (--_spinners == 0 && (gaveUp || HasPendingOperations))
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
            if (_spinners == 0)
                _backgroundWanted.Set();
        }
    }

    /// <summary>
    /// Called by a background reader that found nothing to read: when no operation is pending,
    /// it parks until one is started. A reader that stays awake would sleep on the doorbell and
    /// make every peer's send ring it, a system call and a thread wake-up per message that nobody
    /// waits for; what arrives meanwhile is read by the next call that polls, as in MPI.
    /// </summary>
    /// <returns>True when the reader should go back to <see cref="WaitForBackgroundWorkOrPending"/>.</returns>
    public bool TryParkBackground()
    {
        lock (_spinLock)
        {
            if (_spinners > 0 || HasPendingOperations)
                return _spinners > 0;
            _backgroundWanted.Reset();
            return true;
        }
    }

    private bool HasPendingOperations =>
        _posted.Count + _pendingSends.Count + _pendingReceives.Count + Volatile.Read(ref _probeWaiters) + Volatile.Read(ref _blockedSends) > 0;

    private int _blockedSends;

    /// <summary>
    /// A thread waits for room to send in the middle of a frame and cannot read meanwhile: the
    /// background readers must keep reading, or two ranks filling each other's sockets would stall.
    /// </summary>
    public void BeginBlockedSend()
    {
        Interlocked.Increment(ref _blockedSends);
        RequestBackgroundProgress();
    }

    /// <summary>Ends <see cref="BeginBlockedSend"/>.</summary>
    public void EndBlockedSend() => Interlocked.Decrement(ref _blockedSends);

    /// <summary>True while some thread spins on this engine's links (it reads them itself).</summary>
    public bool SomeoneSpins => Volatile.Read(ref _spinners) > 0;

    /// <summary>
    /// Blocks a background reader until it has work, at most <paramref name="millisecondsTimeout"/>;
    /// after a timeout it also goes to work when operations are pending. The counts are read
    /// without the matching lock, so a reader could park on a momentarily wrong count; this
    /// bounds what such a miss costs to one timeout instead of a hang.
    /// </summary>
    public bool WaitForBackgroundWorkOrPending(int millisecondsTimeout) =>
        _backgroundWanted.Wait(millisecondsTimeout) || (Volatile.Read(ref _spinners) == 0 && HasPendingOperations);

    /// <summary>Polls every link once on the calling thread (see <see cref="IPeerLink.Poll"/>).</summary>
    public void Progress()
    {
        foreach (IPeerLink link in _links)
            link.Poll();
    }

    /// <summary>Number of messages waiting unmatched (diagnostics and tests).</summary>
    public int UnexpectedCount
    {
        get { lock (_lock) return _unexpected.Count; }
    }

    /// <summary>Number of receives posted but not matched yet.</summary>
    public int PostedCount
    {
        get { lock (_lock) return _posted.Count; }
    }

    // ---------------------------------------------------------------- sending

    /// <summary>
    /// Starts a send. Small messages are written at once and the returned request is already
    /// complete; large ones return a request that completes after the data went out. The
    /// caller keeps <paramref name="data"/> pinned until the request completes.
    /// </summary>
    public Request StartSend(int context, int sourceRank, int destinationWorldRank, int tag, byte* data, long length)
    {
        IPeerLink link = _links[destinationWorldRank];
        if (length <= link.EagerLimit)
        {
            var header = new FrameHeader(FrameKind.Eager, FrameFlags.None, context, sourceRank, tag, length);
            link.Send(header, new ReadOnlySpan<byte>(data, checked((int)length)));
            return CompletedSend;
        }

        var request = new SendRequest(data, length, destinationWorldRank) { Engine = this };
        long id = Interlocked.Increment(ref _nextOperationId);
        lock (_lock)
            _pendingSends.Add(id, request);
        FrameHeader rts = link.CanPull
            ? new FrameHeader(FrameKind.RendezvousRequest, FrameFlags.Pullable, context, sourceRank, tag, length, id, Environment.ProcessId, (long)data)
            : new FrameHeader(FrameKind.RendezvousRequest, FrameFlags.None, context, sourceRank, tag, length, SenderId: id);
        link.Send(rts, default);
        return request;
    }

    /// <summary>One shared, already completed request for every eager send: nothing to allocate per message.</summary>
    private static readonly Request CompletedSend = CreateCompleted();

    private static Request CreateCompleted()
    {
        var done = new Request();
        done.Complete(default);
        return done;
    }

    /// <summary>
    /// Large messages from this size on are copied by both sides at once where the link allows
    /// single copies: the receiver reads one half while the sender writes the other, so two cores
    /// share the copy (each single copy is bounded by pinning pages, not by memory bandwidth).
    /// </summary>
    public const long SplitCopyBytes = 256 * 1024;

    /// <summary>Where a split copy divides a message: the receiver reads before, the sender writes from here.</summary>
    public static long SplitPoint(long length) => (length / 2) & ~4095L;

    /// <summary>Writes a cleared send's data (its second half when both sides copy), then counts the part done.</summary>
    internal void SendRendezvousData(SendRequest request, long receiverId)
    {
        try
        {
            IPeerLink link = _links[request.DestinationWorldRank];
            if (request.IsSplit)
            {
                long split = SplitPoint(request.Length);
                if (link.TryPush(request.PushPid, request.PushAddress + split, request.Data + split, request.Length - split))
                    link.Send(new FrameHeader(FrameKind.PushDone, FrameFlags.None, 0, 0, 0, request.Length - split, ReceiverId: receiverId, Offset: split), default);
                else
                    SendChunks(link, request, receiverId, split, request.Length);
            }
            else
                SendChunks(link, request, receiverId, 0, request.Length);
            request.PartDone();
        }
        catch (Exception e)
        {
            FailSend(request, e);
        }
    }

    private static void FailSend(SendRequest request, Exception e) =>
        request.Fail(new HpcException($"sending {request.Length} bytes to rank {request.DestinationWorldRank} failed: {e.Message}", e));

    private static void SendChunks(IPeerLink link, SendRequest request, long receiverId, long from, long to)
    {
        long offset = from;
        while (offset < to)
        {
            long chunk = Math.Min(link.MaxChunkBytes, to - offset);
            var header = new FrameHeader(FrameKind.RendezvousData, FrameFlags.None, 0, 0, 0, chunk, ReceiverId: receiverId, Offset: offset);
            link.Send(header, new ReadOnlySpan<byte>(request.Data + offset, (int)chunk));
            offset += chunk;
        }
    }

    // ---------------------------------------------------------------- receiving

    /// <summary>Posts a receive; it completes when a matching message has landed in its buffer.</summary>
    public void Post(ReceiveRequest request)
    {
        request.Engine = this;
        UnexpectedMessage? message = null;
        lock (_lock)
        {
            for (LinkedListNode<UnexpectedMessage>? node = _unexpected.First; node is not null; node = node.Next)
            {
                UnexpectedMessage candidate = node.Value;
                if (request.Matches(candidate.Context, candidate.Source, candidate.Tag))
                {
                    _unexpected.Remove(node);
                    message = candidate;
                    break;
                }
            }
            if (message is null)
            {
                _posted.AddLast(request.Node);
                return;
            }
        }
        Deliver(message, request);
    }

    /// <summary>Withdraws a receive that has not matched yet; false when it already matched.</summary>
    public bool TryCancel(ReceiveRequest request)
    {
        lock (_lock)
        {
            if (request.Node.List != _posted)
                return false;
            _posted.Remove(request.Node);
            return true;
        }
    }

    /// <summary>Status of the first unexpected message that matches, or null (MPI_Iprobe).</summary>
    public Status? TryProbe(int context, int source, int tag, int elementSize)
    {
        // A probe loop must make progress itself: background readers are parked when nothing is pending.
        Progress();
        lock (_lock)
            return FindUnexpected(context, source, tag, elementSize);
    }

    /// <summary>Blocks until a matching message has arrived and returns its status (MPI_Probe).</summary>
    public Status Probe(int context, int source, int tag, int elementSize, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _probeWaiters++;
            RequestBackgroundProgress();
            try
            {
                while (true)
                {
                    Status? status = FindUnexpected(context, source, tag, elementSize);
                    if (status is not null)
                        return status.Value;
                    cancellationToken.ThrowIfCancellationRequested();
                    Monitor.Wait(_lock, cancellationToken.CanBeCanceled ? 50 : Timeout.Infinite);
                }
            }
            finally
            {
                _probeWaiters--;
            }
        }
    }

    private Status? FindUnexpected(int context, int source, int tag, int elementSize)
    {
        foreach (UnexpectedMessage message in _unexpected)
        {
            if (message.Context == context
                && (source == Communicator.AnySource || source == message.Source)
                && (tag == Communicator.AnyTag || tag == message.Tag))
                return new Status(message.Source, message.Tag, message.Length, elementSize);
        }
        return null;
    }

    // ---------------------------------------------------------------- frames from links

    /// <summary>
    /// Handles a complete frame from <paramref name="sourceWorldRank"/> (everything but
    /// rendezvous data, which arrives through <see cref="OnRendezvousData"/>).
    /// </summary>
    /// <exception cref="ProtocolViolationException">The frame refers to an operation this rank never started.</exception>
    public void OnFrame(int sourceWorldRank, in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        switch (header.Kind)
        {
            case FrameKind.Eager:
            case FrameKind.RendezvousRequest:
                OnMessage(sourceWorldRank, header, payload);
                break;
            case FrameKind.ClearToSend:
                OnClearToSend(header);
                break;
            case FrameKind.PushDone:
            {
                ReceiveRequest request = PendingReceive(header.ReceiverId);
                TargetIn(request, header.Offset, header.Length);
                Written(request, header.ReceiverId, header.Length);
                break;
            }
            default:
                throw new ProtocolViolationException($"unexpected {header.Kind} frame");
        }
    }

    private void OnMessage(int sourceWorldRank, in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        ReceiveRequest? match = null;
        lock (_lock)
        {
            for (LinkedListNode<ReceiveRequest>? node = _posted.First; node is not null; node = node.Next)
            {
                if (node.Value.Matches(header.Context, header.Source, header.Tag))
                {
                    match = node.Value;
                    _posted.Remove(node);
                    break;
                }
            }
            if (match is null)
            {
                _unexpected.AddLast(new UnexpectedMessage
                {
                    Context = header.Context,
                    Source = header.Source,
                    Tag = header.Tag,
                    Length = header.Length,
                    SourceWorldRank = sourceWorldRank,
                    Payload = header.Kind == FrameKind.Eager ? RentCopy(payload) : null,
                    SenderId = header.SenderId,
                    Flags = header.Flags,
                    PullPid = header.ReceiverId,
                    PullAddress = header.Offset,
                });
                if (_probeWaiters > 0)
                    Monitor.PulseAll(_lock);
                return;
            }
        }

        if (header.Kind == FrameKind.Eager)
        {
            if (header.Length > match.Capacity)
            {
                match.Fail(new MessageTruncatedException(header.Source, header.Tag, header.Length, match.Capacity));
                return;
            }
            payload.CopyTo(new Span<byte>(match.Buffer, (int)header.Length));
            match.Complete(new Status(header.Source, header.Tag, header.Length, match.ElementSize));
        }
        else
        {
            AcceptRendezvous(match, header.Source, header.Tag, header.Length, sourceWorldRank, header.SenderId,
                header.Flags, header.ReceiverId, header.Offset);
        }
    }

    private void Deliver(UnexpectedMessage message, ReceiveRequest request)
    {
        if (message.IsRendezvous)
        {
            AcceptRendezvous(request, message.Source, message.Tag, message.Length, message.SourceWorldRank, message.SenderId,
                message.Flags, message.PullPid, message.PullAddress);
            return;
        }
        byte[] held = message.Payload!;
        try
        {
            if (message.Length > request.Capacity)
            {
                request.Fail(new MessageTruncatedException(message.Source, message.Tag, message.Length, request.Capacity));
                return;
            }
            held.AsSpan(0, (int)message.Length).CopyTo(new Span<byte>(request.Buffer, (int)message.Length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(held);
        }
        request.Complete(new Status(message.Source, message.Tag, message.Length, request.ElementSize));
    }

    /// <summary>
    /// Holds an early eager payload in a pooled array: a sender that runs ahead of its receiver
    /// (a broadcast root, a stream of sends) makes every message unexpected, and an array per
    /// message kept the collector busy enough to stall both ranks.
    /// </summary>
    private static byte[] RentCopy(ReadOnlySpan<byte> payload)
    {
        byte[] copy = System.Buffers.ArrayPool<byte>.Shared.Rent(payload.Length);
        payload.CopyTo(copy);
        return copy;
    }

    private void AcceptRendezvous(ReceiveRequest request, int source, int tag, long length, int sourceWorldRank, long senderId,
        FrameFlags flags, long pullPid, long pullAddress)
    {
        IPeerLink link = _links[sourceWorldRank];
        if (length > request.Capacity)
        {
            link.Send(new FrameHeader(FrameKind.ClearToSend, FrameFlags.Rejected, 0, 0, 0, length, senderId), default);
            request.Fail(new MessageTruncatedException(source, tag, length, request.Capacity));
            return;
        }
        if ((flags & FrameFlags.Pullable) != 0 && length >= SplitCopyBytes && link.CanPull)
        {
            AcceptSplit(link, request, source, tag, length, senderId, (int)pullPid, pullAddress);
            return;
        }
        if ((flags & FrameFlags.Pullable) != 0 && link.TryPull((int)pullPid, pullAddress, request.Buffer, length))
        {
            // One kernel copy from the sender's buffer into ours; the sender only needs to hear it is done.
            link.Send(new FrameHeader(FrameKind.ClearToSend, FrameFlags.Pulled, 0, 0, 0, length, senderId), default);
            request.Complete(new Status(source, tag, length, request.ElementSize));
            return;
        }
        long id = AwaitData(request, source, tag, length);
        link.Send(new FrameHeader(FrameKind.ClearToSend, FrameFlags.None, 0, 0, 0, length, senderId, id), default);
    }

    /// <summary>Records what a matched rendezvous receive expects and files it under a new id for its data.</summary>
    private long AwaitData(ReceiveRequest request, int source, int tag, long length)
    {
        request.MatchedSource = source;
        request.MatchedTag = tag;
        request.ExpectedBytes = length;
        long id = Interlocked.Increment(ref _nextOperationId);
        lock (_lock)
            _pendingReceives.Add(id, request);
        return id;
    }

    /// <summary>
    /// Both sides copy: the sender is told where to write the second half, then this rank reads
    /// the first half out of the sender's memory. The receive completes when both halves landed.
    /// </summary>
    private void AcceptSplit(IPeerLink link, ReceiveRequest request, int source, int tag, long length, long senderId, int pullPid, long pullAddress)
    {
        long id = AwaitData(request, source, tag, length);
        link.Send(new FrameHeader(FrameKind.ClearToSend, FrameFlags.Split, Environment.ProcessId, 0, 0, length, senderId, id, (long)request.Buffer), default);
        long split = SplitPoint(length);
        if (link.TryPull(pullPid, pullAddress, request.Buffer, split))
        {
            link.Send(new FrameHeader(FrameKind.ClearToSend, FrameFlags.Pulled, 0, 0, 0, length, senderId), default);
            Written(request, id, split);
        }
        else
        {
            // The kernel refused the read after all: the sender streams the first half as well.
            link.Send(new FrameHeader(FrameKind.ClearToSend, FrameFlags.None, 0, 0, 0, split, senderId, id), default);
        }
    }

    private void OnClearToSend(in FrameHeader header)
    {
        SendRequest? request;
        bool split = (header.Flags & FrameFlags.Split) != 0;
        lock (_lock)
        {
            // A split clear-to-send is followed by a second one (pulled, or asking for the first half).
            bool known = split ? _pendingSends.TryGetValue(header.SenderId, out request) : _pendingSends.Remove(header.SenderId, out request);
            if (!known || request is null)
                throw new ProtocolViolationException($"clear-to-send for unknown send {header.SenderId}");
        }
        if (split)
        {
            if (header.Length != request.Length || request.IsSplit)
                throw new ProtocolViolationException($"split clear-to-send for {header.Length} bytes, but the send has {request.Length}");
            request.ClearForSplit(this, header.ReceiverId, header.Context, header.Offset);
            QueueData(request);
            return;
        }
        if ((header.Flags & FrameFlags.Rejected) != 0)
        {
            // The receiver reports the truncation; MPI leaves the send itself successful.
            request.Complete(default);
            return;
        }
        if ((header.Flags & FrameFlags.Pulled) != 0)
        {
            request.PartDone();
            return;
        }
        if (request.IsSplit)
        {
            // The receiver could not read its half: stream it, alongside the half being written.
            if (header.Length != SplitPoint(request.Length))
                throw new ProtocolViolationException($"clear-to-send for the first {header.Length} bytes of a split send of {request.Length}");
            long receiverId = header.ReceiverId, firstHalf = header.Length;
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                try
                {
                    SendChunks(_links[request.DestinationWorldRank], request, receiverId, 0, firstHalf);
                    request.PartDone();
                }
                catch (Exception e)
                {
                    FailSend(request, e);
                }
            }, null);
            return;
        }
        if (header.Length != request.Length)
            throw new ProtocolViolationException($"clear-to-send for {header.Length} bytes, but the send has {request.Length}");
        request.Clear(this, header.ReceiverId);
        QueueData(request);
    }

    private static void QueueData(SendRequest request)
    {
        // Never write bulk data from a link's reader: two readers each writing to the other
        // could both block on full socket buffers with nobody left to read. A sender spinning in
        // Wait claims the data itself (it re-checks when it stops spinning, after the full fence
        // of its own exit, so one of the two always sees the other); the pool thread covers
        // requests nobody spins on. Waking a pool thread per message would take a core from the
        // spinner on a small host.
        Interlocked.MemoryBarrier();
        if (request.SpinningWaiters > 0)
            return;
        ThreadPool.UnsafeQueueUserWorkItem(static request =>
        {
            if (request.TryClaim(out long receiverId))
                request.Engine!.SendRendezvousData(request, receiverId);
        }, request, preferLocal: false);
    }

    /// <summary>
    /// Copies a piece of rendezvous data into the receive it was cleared for; completes the
    /// receive with its last byte.
    /// </summary>
    /// <exception cref="ProtocolViolationException">Unknown receive id, or bytes outside the announced message.</exception>
    public void OnRendezvousData(long receiverId, long offset, ReadOnlySpan<byte> data)
    {
        ReceiveRequest request = PendingReceive(receiverId);
        data.CopyTo(TargetIn(request, offset, data.Length));
        Written(request, receiverId, data.Length);
    }

    /// <summary>
    /// The part of a cleared receive's buffer where up to <paramref name="length"/> bytes of its
    /// data starting at <paramref name="offset"/> belong (transports that read straight into it).
    /// </summary>
    /// <exception cref="ProtocolViolationException">Unknown receive id, or bytes outside the announced message.</exception>
    public Span<byte> RendezvousTarget(long receiverId, long offset, long length) =>
        TargetIn(PendingReceive(receiverId), offset, length);

    /// <summary>Records that <paramref name="count"/> bytes landed; the last byte completes the receive.</summary>
    public void RendezvousBytesWritten(long receiverId, long count) =>
        Written(PendingReceive(receiverId), receiverId, count);

    private ReceiveRequest PendingReceive(long receiverId)
    {
        lock (_lock)
        {
            return _pendingReceives.TryGetValue(receiverId, out ReceiveRequest? request)
                ? request
                : throw new ProtocolViolationException($"data for unknown receive {receiverId}");
        }
    }

    private static Span<byte> TargetIn(ReceiveRequest request, long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > request.ExpectedBytes)
            throw new ProtocolViolationException($"data at offset {offset} (+{length}) outside a message of {request.ExpectedBytes} bytes");
        return new Span<byte>(request.Buffer + offset, (int)Math.Min(length, int.MaxValue));
    }

    private void Written(ReceiveRequest request, long receiverId, long count)
    {
        if (Interlocked.Add(ref request.ReceivedBytes, count) == request.ExpectedBytes)
        {
            lock (_lock)
                _pendingReceives.Remove(receiverId);
            request.Complete(new Status(request.MatchedSource, request.MatchedTag, request.ExpectedBytes, request.ElementSize));
        }
    }

    /// <summary>Fails every operation still waiting (the job is going down or a peer was lost).</summary>
    public void FailAll(Exception error)
    {
        List<Request> victims;
        lock (_lock)
        {
            victims = [.. _posted, .. _pendingSends.Values, .. _pendingReceives.Values];
            _posted.Clear();
            _pendingSends.Clear();
            _pendingReceives.Clear();
            Monitor.PulseAll(_lock);
        }
        foreach (Request request in victims)
            request.Fail(error);
    }
}
