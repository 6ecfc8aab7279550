namespace Hpc.Messaging;

/// <summary>
/// Matching (ob1's <c>pml_ob1_recvfrag.c</c>): the queue of posted receives and the queue of
/// unexpected messages, one pair per rank. It keeps MPI's rules: messages are matched in arrival
/// order against receives in posting order, so two messages from one sender on one communicator
/// and tag are never overtaken (every link delivers in order); <see cref="Wildcards"/> match any
/// source or tag; probes look at the unexpected queue without taking from it.
/// </summary>
internal sealed class MessageQueues
{
    private readonly object _lock = new();
    private readonly LinkedList<ReceiveRequest> _posted = new();
    private readonly LinkedList<UnexpectedMessage> _unexpected = new();
    private int _probeWaiters;

    /// <summary>True while receives are posted or probes wait: operations that need progress.</summary>
    public bool HasWaiting => _posted.Count + Volatile.Read(ref _probeWaiters) > 0;

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

    /// <summary>
    /// Takes the first unexpected message that <paramref name="request"/> matches; when there is
    /// none, posts the request and returns null.
    /// </summary>
    public UnexpectedMessage? TakeUnexpectedOrPost(ReceiveRequest request)
    {
        lock (_lock)
        {
            for (LinkedListNode<UnexpectedMessage>? node = _unexpected.First; node is not null; node = node.Next)
            {
                UnexpectedMessage candidate = node.Value;
                if (request.Matches(candidate.Context, candidate.Source, candidate.Tag))
                {
                    _unexpected.Remove(node);
                    return candidate;
                }
            }
            _posted.AddLast(request.Node);
            return null;
        }
    }

    /// <summary>
    /// Takes the first posted receive that a newly arrived message (an eager frame or a rendezvous
    /// request) matches; when there is none, the message is kept as unexpected, an eager payload
    /// copied, and null is returned.
    /// </summary>
    public ReceiveRequest? TakePostedOrKeep(int sourceWorldRank, in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        lock (_lock)
        {
            for (LinkedListNode<ReceiveRequest>? node = _posted.First; node is not null; node = node.Next)
            {
                if (node.Value.Matches(header.Context, header.Source, header.Tag))
                {
                    _posted.Remove(node);
                    return node.Value;
                }
            }
            bool pullable = header.Kind == FrameKind.RendezvousRequest && (header.Flags & FrameFlags.Pullable) != 0;
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
                SenderPid = pullable ? header.SenderPid : 0,
                SenderAddress = pullable ? header.SenderAddress : 0,
            });
            if (_probeWaiters > 0)
                Monitor.PulseAll(_lock);
            return null;
        }
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
    public Status? Find(int context, int source, int tag, int elementSize)
    {
        lock (_lock)
            return FindLocked(context, source, tag, elementSize);
    }

    /// <summary>
    /// Blocks until a matching message is unexpected here and returns its status (MPI_Probe);
    /// <paramref name="onWaiting"/> runs once the probe counts as waiting (to start background progress).
    /// </summary>
    public Status Probe(int context, int source, int tag, int elementSize, Action onWaiting, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _probeWaiters++;
            onWaiting();
            try
            {
                while (true)
                {
                    Status? status = FindLocked(context, source, tag, elementSize);
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

    private Status? FindLocked(int context, int source, int tag, int elementSize)
    {
        foreach (UnexpectedMessage message in _unexpected)
        {
            if (message.Context == context
                && (source == Wildcards.AnySource || source == message.Source)
                && (tag == Wildcards.AnyTag || tag == message.Tag))
                return new Status(message.Source, message.Tag, message.Length, elementSize);
        }
        return null;
    }

    /// <summary>Removes every posted receive (the job is going down) and wakes waiting probes.</summary>
    public List<ReceiveRequest> TakeAllPosted()
    {
        lock (_lock)
        {
            List<ReceiveRequest> posted = [.. _posted];
            _posted.Clear();
            Monitor.PulseAll(_lock);
            return posted;
        }
    }
}
