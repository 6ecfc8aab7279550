namespace Hpc.Messaging;

/// <summary>
/// The large-message protocol (ob1's <c>pml_ob1_sendreq.c</c> / <c>recvreq.c</c>): above a link's
/// eager limit the sender announces the message with a request to send and keeps its buffer; only
/// that request is queued at the receiver, and once a receive matches, the data moves straight
/// into the user's buffer, so an unmatched large message costs the receiver a fixed amount of
/// memory. The data moves by the cheapest way the link offers:
/// <list type="bullet">
/// <item><b>pull</b>: the receiver copies it out of the sender's memory (process_vm_readv) and answers "pulled";</item>
/// <item><b>split</b>: from <see cref="SplitCopyBytes"/> on, both ranks copy it at once, each claiming a half from a shared word (<see cref="SharedCopy"/>): the receiver reads, the sender writes (process_vm_writev);</item>
/// <item><b>push in chunks</b>: the receiver answers clear-to-send and the sender streams data frames.</item>
/// </list>
/// A receive buffer too small for the message rejects it (the receiver reports the truncation;
/// MPI leaves the send itself successful).
/// </summary>
internal sealed unsafe class RendezvousProtocol(ProgressEngine progress)
{
    /// <summary>Largest chunk of rendezvous data in one frame.</summary>
    public const long ChunkBytes = 1 << 20;

    /// <summary>
    /// Large messages from this size on are copied by both sides at once where the link allows
    /// single copies and offers claim words: two cores share the copy (each single copy is bounded
    /// by pinning pages, not by memory bandwidth; quiet, 1 MiB ping-pongs took 36 µs split in
    /// halves against 82 µs pulled). The halves are claimed, not assigned, so a rank whose peer
    /// is descheduled copies both itself (<see cref="SharedCopy"/>). Below it one read
    /// by the receiver is cheapest (256 KiB: ~11 µs in one call).
    /// </summary>
    public const long SplitCopyBytes = 512 * 1024;

    // Claim words of each peer's inbound copies that a shared copy of this rank uses now, one bit each.
    private readonly Dictionary<int, int> _claimWordsInUse = new();

    private readonly object _lock = new();
    private readonly Dictionary<long, SendRequest> _pendingSends = new();
    private readonly Dictionary<long, ReceiveRequest> _pendingReceives = new();
    private long _nextOperationId;

    /// <summary>True while large sends or receives are in flight (they need progress).</summary>
    public bool HasPending => _pendingSends.Count + _pendingReceives.Count > 0;

    // ---------------------------------------------------------------- sender

    /// <summary>Announces a large message to <paramref name="destinationWorldRank"/>; the request completes once its data has gone.</summary>
    public Request StartSend(int context, int sourceRank, int destinationWorldRank, int tag, byte* data, long length)
    {
        IPeerLink link = progress.LinkTo(destinationWorldRank);
        var request = new SendRequest(data, length, destinationWorldRank) { Engine = progress };
        long id = Interlocked.Increment(ref _nextOperationId);
        lock (_lock)
            _pendingSends.Add(id, request);
        link.Send(link.CanPull
            ? FrameHeader.ForRendezvousRequest(context, sourceRank, tag, length, id, Environment.ProcessId, (long)data)
            : FrameHeader.ForRendezvousRequest(context, sourceRank, tag, length, id), default);
        return request;
    }

    /// <summary>The receiver answered a request to send.</summary>
    public void OnClearToSend(in FrameHeader header)
    {
        SendRequest? request;
        bool split = (header.Flags & FrameFlags.Split) != 0;
        bool pulled = (header.Flags & FrameFlags.Pulled) != 0;
        lock (_lock)
        {
            if (!_pendingSends.TryGetValue(header.SenderId, out request))
                throw new ProtocolViolationException($"clear-to-send for unknown send {header.SenderId}");
            // A split send hears the split clear-to-send, maybe ranges to stream, and last "pulled".
            bool streamRange = request.IsSplit && !pulled;
            if (!split && !streamRange)
                _pendingSends.Remove(header.SenderId);
            if (streamRange)
                request.AddPart();
        }
        if (split)
        {
            if (header.Length != request.Length || request.IsSplit || (uint)header.ClaimWord >= SharedCopy.ClaimWords)
                throw new ProtocolViolationException($"split clear-to-send for {header.Length} bytes (claim word {header.ClaimWord}), but the send has {request.Length}");
            request.ClearForSplit(this, header.ReceiverId, header.ReceiverPid, header.ReceiverAddress, header.ClaimWord);
            QueueData(request);
            return;
        }
        if ((header.Flags & FrameFlags.Rejected) != 0)
        {
            request.Complete(default);
            return;
        }
        if (pulled)
        {
            request.PartDone();
            return;
        }
        if (request.IsSplit)
        {
            // The receiver could not read segments it claimed: stream them, beside the copy.
            long from = header.RangeOffset, to = from + header.Length;
            if (from < 0 || to > request.Length || to < from)
                throw new ProtocolViolationException($"clear-to-send for bytes {from}-{to} of a split send of {request.Length}");
            long receiverId = header.ReceiverId;
            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                try
                {
                    SendChunks(progress.LinkTo(request.DestinationWorldRank), request, receiverId, from, to);
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
        // could both block on full socket buffers with nobody left to read. A sender waiting in
        // Wait claims the data itself (it re-checks when it stops waiting, after the full fence
        // of its own exit, so one of the two always sees the other); the pool thread covers
        // requests nobody waits on. Waking a pool thread per message would take a core from the
        // waiter on a small host.
        Interlocked.MemoryBarrier();
        if (request.SpinningWaiters > 0)
            return;
        ThreadPool.UnsafeQueueUserWorkItem(static request =>
        {
            if (request.TryClaim(out long receiverId))
                request.Protocol!.SendData(request, receiverId);
        }, request, preferLocal: false);
    }

    /// <summary>Writes a cleared send's data (the segments this side claims when both sides copy), then counts the part done.</summary>
    internal void SendData(SendRequest request, long receiverId)
    {
        try
        {
            IPeerLink link = progress.LinkTo(request.DestinationWorldRank);
            if (request.IsSplit)
            {
                var copy = new SharedCopy(link.OutboundCopyClaims + request.ClaimWord, unchecked((int)receiverId), request.Length);
                while (copy.TryClaim(out long offset, out long length))
                {
                    if (link.TryPush(request.PushPid, request.PushAddress + offset, request.Data + offset, length))
                        link.Send(FrameHeader.ForPushDone(receiverId, offset, length), default);
                    else
                        SendChunks(link, request, receiverId, offset, offset + length);
                }
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
            link.Send(FrameHeader.ForData(receiverId, offset, chunk), new ReadOnlySpan<byte>(request.Data + offset, (int)chunk));
            offset += chunk;
        }
    }

    // ---------------------------------------------------------------- receiver

    /// <summary>A receive matched a request to send: take the data by the cheapest way the link offers.</summary>
    public void Accept(ReceiveRequest request, int source, int tag, long length, int sourceWorldRank, long senderId,
        FrameFlags flags, int senderPid, long senderAddress)
    {
        IPeerLink link = progress.LinkTo(sourceWorldRank);
        if (length > request.Capacity)
        {
            link.Send(FrameHeader.ForClearToSend(senderId, length, FrameFlags.Rejected), default);
            request.Fail(new MessageTruncatedException(source, tag, length, request.Capacity));
            return;
        }
        bool pullable = (flags & FrameFlags.Pullable) != 0;
        if (pullable && length >= SplitCopyBytes && link.CanPull && link.InboundCopyClaims != null && TakeClaimWord(sourceWorldRank) is int word and >= 0)
        {
            AcceptSplit(link, request, source, tag, length, sourceWorldRank, senderId, senderPid, senderAddress, word);
            return;
        }
        if (pullable && link.TryPull(senderPid, senderAddress, request.Buffer, length))
        {
            // One kernel copy from the sender's buffer into ours; the sender only needs to hear it is done.
            link.Send(FrameHeader.ForClearToSend(senderId, length, FrameFlags.Pulled), default);
            request.Complete(new Status(source, tag, length, request.ElementSize));
            return;
        }
        long id = AwaitData(request, source, tag, length);
        link.Send(FrameHeader.ForClearToSend(senderId, length, receiverId: id), default);
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
    /// Both sides copy: the sender is told where to write and which claim word to use, then this
    /// rank reads the segments it claims out of the sender's memory until none is left, and tells
    /// the sender it has stopped reading ("pulled"). The receive completes when every segment
    /// landed, the sender's announced by push notices.
    /// </summary>
    private void AcceptSplit(IPeerLink link, ReceiveRequest request, int source, int tag, long length, int sourceWorldRank, long senderId,
        int senderPid, long senderAddress, int word)
    {
        long id = AwaitData(request, source, tag, length);
        byte* buffer = request.Buffer;
        var copy = new SharedCopy(link.InboundCopyClaims + word, unchecked((int)id), length);
        copy.Open();
        link.Send(FrameHeader.ForSplitClearToSend(senderId, length, id, Environment.ProcessId, (long)buffer, word), default);
        while (copy.TryClaim(out long offset, out long bytes))
        {
            if (!link.TryPull(senderPid, senderAddress + offset, buffer + offset, bytes))
            {
                // The kernel refused the read after all: the sender streams this segment and every one not claimed yet.
                link.Send(FrameHeader.ForStreamRange(senderId, id, offset, bytes), default);
                long rest = copy.ClaimRest();
                if (rest < length)
                    link.Send(FrameHeader.ForStreamRange(senderId, id, rest, length - rest), default);
                break;
            }
            Written(request, id, bytes);
        }
        ReleaseClaimWord(sourceWorldRank, word);
        link.Send(FrameHeader.ForClearToSend(senderId, length, FrameFlags.Pulled), default);
    }

    /// <summary>A free claim word for a shared copy from <paramref name="peer"/>, or -1 when all are in use (the receiver then pulls alone).</summary>
    private int TakeClaimWord(int peer)
    {
        lock (_lock)
        {
            _claimWordsInUse.TryGetValue(peer, out int inUse);
            int free = System.Numerics.BitOperations.TrailingZeroCount(~inUse);
            if (free >= SharedCopy.ClaimWords)
                return -1;
            _claimWordsInUse[peer] = inUse | (1 << free);
            return free;
        }
    }

    private void ReleaseClaimWord(int peer, int word)
    {
        lock (_lock)
            _claimWordsInUse[peer] &= ~(1 << word);
    }

    /// <summary>The sender wrote a segment straight into our buffer.</summary>
    public void OnPushDone(in FrameHeader header)
    {
        ReceiveRequest request = PendingReceive(header.ReceiverId);
        TargetIn(request, header.Offset, header.Length);
        Written(request, header.ReceiverId, header.Length);
    }

    /// <summary>Copies a piece of data into the receive it was cleared for; its last byte completes the receive.</summary>
    /// <exception cref="ProtocolViolationException">Unknown receive id, or bytes outside the announced message.</exception>
    public void OnData(long receiverId, long offset, ReadOnlySpan<byte> data)
    {
        ReceiveRequest request = PendingReceive(receiverId);
        data.CopyTo(TargetIn(request, offset, data.Length));
        Written(request, receiverId, data.Length);
    }

    /// <summary>See <see cref="IFrameSink.RendezvousTarget"/>.</summary>
    public Span<byte> Target(long receiverId, long offset, long length) => TargetIn(PendingReceive(receiverId), offset, length);

    /// <summary>See <see cref="IFrameSink.RendezvousBytesWritten"/>.</summary>
    public void BytesWritten(long receiverId, long count) => Written(PendingReceive(receiverId), receiverId, count);

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

    /// <summary>Removes every large send and receive in flight (the job is going down).</summary>
    public List<Request> TakeAllPending()
    {
        lock (_lock)
        {
            List<Request> pending = [.. _pendingSends.Values, .. _pendingReceives.Values];
            _pendingSends.Clear();
            _pendingReceives.Clear();
            return pending;
        }
    }
}
