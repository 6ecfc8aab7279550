namespace Hpc.Messaging;

/// <summary>
/// A rank's messaging layer, one per rank: the API's sends, receives and probes come in here and
/// the transports' frames (as the <see cref="IFrameSink"/>). It composes the three parts, each in
/// its own folder: <see cref="MessageQueues"/> (matching), <see cref="RendezvousProtocol"/> (large
/// messages) and <see cref="ProgressEngine"/> (who reads the links, and how a call waits). Small
/// messages travel eagerly: written at once, and copied once into the receive buffer (twice when
/// they arrive before their receive). Truncation fails the receive naming both sizes.
/// </summary>
internal sealed unsafe class Messenger : IFrameSink
{
    private readonly MessageQueues _queues = new();
    private readonly RendezvousProtocol _rendezvous;

    public Messenger(int worldRank, Waiting.WaitStrategy waiting)
    {
        Progress = new ProgressEngine(worldRank, waiting);
        _rendezvous = new RendezvousProtocol(Progress);
        Progress.TrackPending(() => _queues.HasWaiting || _rendezvous.HasPending);
    }

    /// <summary>The rank this layer belongs to.</summary>
    public int WorldRank => Progress.WorldRank;

    /// <summary>Who reads this rank's links, and how its calls wait.</summary>
    public ProgressEngine Progress { get; }

    /// <summary>How this rank's blocked calls wait.</summary>
    public Waiting.WaitStrategy Waiting => Progress.Waiting;

    /// <summary>Links to every world rank, indexed by world rank (the own rank's link loops back).</summary>
    public void Connect(IPeerLink[] links) => Progress.Connect(links);

    /// <summary>An operation was started that nobody will spin on: background readers make progress for it.</summary>
    public void RequestBackgroundProgress() => Progress.RequestBackgroundProgress();

    /// <summary>Number of messages waiting unmatched (diagnostics and tests).</summary>
    public int UnexpectedCount => _queues.UnexpectedCount;

    /// <summary>Number of receives posted but not matched yet.</summary>
    public int PostedCount => _queues.PostedCount;

    // ---------------------------------------------------------------- sending

    /// <summary>
    /// Starts a send. Small messages are written at once and the returned request is already
    /// complete; large ones return a request that completes after the data went out. The
    /// caller keeps <paramref name="data"/> pinned until the request completes.
    /// </summary>
    public Request StartSend(int context, int sourceRank, int destinationWorldRank, int tag, byte* data, long length)
    {
        IPeerLink link = Progress.LinkTo(destinationWorldRank);
        if (length > link.EagerLimit)
            return _rendezvous.StartSend(context, sourceRank, destinationWorldRank, tag, data, length);
        link.Send(FrameHeader.ForEager(context, sourceRank, tag, length), new ReadOnlySpan<byte>(data, checked((int)length)));
        return CompletedSend;
    }

    /// <summary>One shared, already completed request for every eager send: nothing to allocate per message.</summary>
    private static readonly Request CompletedSend = CreateCompleted();

    private static Request CreateCompleted()
    {
        var done = new Request();
        done.Complete(default);
        return done;
    }

    // ---------------------------------------------------------------- receiving

    /// <summary>Posts a receive; it completes when a matching message has landed in its buffer.</summary>
    public void Post(ReceiveRequest request)
    {
        request.Engine = Progress;
        if (_queues.TakeUnexpectedOrPost(request) is { } message)
            Deliver(message, request);
    }

    /// <summary>Withdraws a receive that has not matched yet; false when it already matched.</summary>
    public bool TryCancel(ReceiveRequest request) => _queues.TryCancel(request);

    /// <summary>Status of the first unexpected message that matches, or null (MPI_Iprobe).</summary>
    public Status? TryProbe(int context, int source, int tag, int elementSize)
    {
        // A probe loop must make progress itself: background readers are parked when nothing is pending.
        Progress.Progress();
        return _queues.Find(context, source, tag, elementSize);
    }

    /// <summary>Blocks until a matching message has arrived and returns its status (MPI_Probe).</summary>
    public Status Probe(int context, int source, int tag, int elementSize, CancellationToken cancellationToken = default) =>
        _queues.Probe(context, source, tag, elementSize, Progress.RequestBackgroundProgress, cancellationToken);

    private void Deliver(UnexpectedMessage message, ReceiveRequest request)
    {
        if (message.IsRendezvous)
        {
            _rendezvous.Accept(request, message.Source, message.Tag, message.Length, message.SourceWorldRank, message.SenderId,
                message.Flags, message.SenderPid, message.SenderAddress);
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

    // ---------------------------------------------------------------- frames from links

    /// <inheritdoc />
    public bool OnFrame(int sourceWorldRank, in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        switch (header.Kind)
        {
            case FrameKind.Eager:
            case FrameKind.RendezvousRequest:
                return OnMessage(sourceWorldRank, header, payload);
            case FrameKind.ClearToSend:
                _rendezvous.OnClearToSend(header);
                return false;
            case FrameKind.PushDone:
                _rendezvous.OnPushDone(header);
                return false;
            default:
                throw new ProtocolViolationException($"unexpected {header.Kind} frame");
        }
    }

    /// <returns>True when the message completed the receive it matched (an eager message).</returns>
    private bool OnMessage(int sourceWorldRank, in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (_queues.TakePostedOrKeep(sourceWorldRank, header, payload) is not { } match)
            return false;
        if (header.Kind == FrameKind.RendezvousRequest)
        {
            bool pullable = (header.Flags & FrameFlags.Pullable) != 0;
            _rendezvous.Accept(match, header.Source, header.Tag, header.Length, sourceWorldRank, header.SenderId,
                header.Flags, pullable ? header.SenderPid : 0, pullable ? header.SenderAddress : 0);
            return false;
        }
        if (header.Length > match.Capacity)
        {
            match.Fail(new MessageTruncatedException(header.Source, header.Tag, header.Length, match.Capacity));
            return true;
        }
        payload.CopyTo(new Span<byte>(match.Buffer, (int)header.Length));
        match.Complete(new Status(header.Source, header.Tag, header.Length, match.ElementSize));
        return true;
    }

    /// <inheritdoc />
    public void OnRendezvousData(long receiverId, long offset, ReadOnlySpan<byte> data) => _rendezvous.OnData(receiverId, offset, data);

    /// <inheritdoc />
    public Span<byte> RendezvousTarget(long receiverId, long offset, long length) => _rendezvous.Target(receiverId, offset, length);

    /// <inheritdoc />
    public void RendezvousBytesWritten(long receiverId, long count) => _rendezvous.BytesWritten(receiverId, count);

    /// <summary>Fails every operation still waiting (the job is going down or a peer was lost).</summary>
    public void FailAll(Exception error)
    {
        List<Request> victims = [.. _queues.TakeAllPosted(), .. _rendezvous.TakeAllPending()];
        foreach (Request request in victims)
            request.Fail(error);
    }
}
