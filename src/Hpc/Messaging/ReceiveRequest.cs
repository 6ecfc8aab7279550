namespace Hpc.Messaging;

/// <summary>
/// A posted receive: the envelope it matches and the pinned buffer the message lands in.
/// The buffer stays pinned (by <c>fixed</c> in a blocking call, or a MemoryHandle) until the
/// request completes.
/// </summary>
internal sealed unsafe class ReceiveRequest : Request
{
    public ReceiveRequest(int context, int source, int tag, byte* buffer, long capacity, int elementSize)
    {
        Node = new LinkedListNode<ReceiveRequest>(this);
        Describe(context, source, tag, buffer, capacity, elementSize);
    }

    [ThreadStatic] private static ReceiveRequest? t_spare;

    /// <summary>
    /// A request for a blocking receive on this thread: the one the thread used last if it is
    /// completely finished, else a new one. Blocking receives are the hot path of every
    /// ping-pong and halo exchange, and a garbage collection in one rank stalls its peers.
    /// </summary>
    public static ReceiveRequest ForBlockingCall(int context, int source, int tag, byte* buffer, long capacity, int elementSize)
    {
        ReceiveRequest? spare = t_spare;
        if (spare is null || !spare.IsSettled)
            return new ReceiveRequest(context, source, tag, buffer, capacity, elementSize);
        t_spare = null;
        spare.PrepareForReuse();
        spare.Describe(context, source, tag, buffer, capacity, elementSize);
        return spare;
    }

    private void Describe(int context, int source, int tag, byte* buffer, long capacity, int elementSize)
    {
        Context = context;
        Source = source;
        Tag = tag;
        Buffer = buffer;
        Capacity = capacity;
        ElementSize = elementSize;
        MatchedSource = 0;
        MatchedTag = 0;
        ExpectedBytes = 0;
        ReceivedBytes = 0;
    }

    /// <summary>Gives a blocking call's request back once its caller has its result.</summary>
    public static void Release(ReceiveRequest request) => t_spare = request;

    /// <summary>This request's place in the engine's list of posted receives (no allocation per post).</summary>
    public LinkedListNode<ReceiveRequest> Node { get; }

    public int Context { get; private set; }
    public int Source { get; private set; }
    public int Tag { get; private set; }
    public byte* Buffer { get; private set; }
    public long Capacity { get; private set; }
    public int ElementSize { get; private set; }

    // Filled when a rendezvous message is matched to this receive.
    public int MatchedSource;
    public int MatchedTag;
    public long ExpectedBytes;
    public long ReceivedBytes;

    internal override long ProgressMark => Volatile.Read(ref ReceivedBytes) + Volatile.Read(ref ExpectedBytes);

    public bool Matches(int context, int source, int tag) =>
        Context == context
        && (Source == Communicator.AnySource || Source == source)
        && (Tag == Communicator.AnyTag || Tag == tag);
}

/// <summary>A large send waiting for the receiver's clear-to-send.</summary>
internal sealed unsafe class SendRequest : Request
{
    public SendRequest(byte* data, long length, int destinationWorldRank)
    {
        Data = data;
        Length = length;
        DestinationWorldRank = destinationWorldRank;
    }

    public byte* Data { get; }
    public long Length { get; }
    public int DestinationWorldRank { get; }

    private int _state; // 0 waiting for clear-to-send, 1 cleared, 2 data being written
    private long _receiverId;
    private MatchingEngine? _sender;
    // Parts that must finish before the send completes: the data written by this side, plus,
    // when both sides copy, the receiver's notice that it has read its half.
    private int _partsLeft = 1;

    /// <summary>Both sides copy (see <see cref="FrameFlags.Split"/>): where this side writes its half.</summary>
    public bool IsSplit { get; private set; }
    public int PushPid { get; private set; }
    public long PushAddress { get; private set; }

    /// <summary>The receiver is ready: whoever claims the request first writes the data.</summary>
    public void Clear(MatchingEngine sender, long receiverId)
    {
        _sender = sender;
        _receiverId = receiverId;
        Volatile.Write(ref _state, 1);
    }

    /// <summary>The receiver reads the first half itself; whoever claims the request writes the second half into its buffer.</summary>
    public void ClearForSplit(MatchingEngine sender, long receiverId, int pid, long address)
    {
        IsSplit = true;
        PushPid = pid;
        PushAddress = address;
        _partsLeft = 2;
        Clear(sender, receiverId);
    }

    /// <summary>Claims the cleared request for this thread; true exactly once.</summary>
    public bool TryClaim(out long receiverId)
    {
        receiverId = _receiverId;
        return Volatile.Read(ref _state) == 1 && Interlocked.CompareExchange(ref _state, 2, 1) == 1;
    }

    /// <summary>One part of the transfer finished; the last completes the send.</summary>
    public void PartDone()
    {
        if (Interlocked.Decrement(ref _partsLeft) == 0)
            Complete(default);
    }

    internal override bool HasWorkForWaiter => Volatile.Read(ref _state) == 1;

    internal override long ProgressMark => Volatile.Read(ref _state) + Volatile.Read(ref _partsLeft) * 4;

    /// <summary>A blocked sender writes its own data once cleared, instead of waiting for a pool thread.</summary>
    internal override void AdvanceWhileWaiting()
    {
        if (TryClaim(out long receiverId))
            _sender!.SendRendezvousData(this, receiverId);
    }
}

/// <summary>
/// A message that arrived before any receive matched it: either a whole eager payload, or a
/// rendezvous request that only remembers where the data waits.
/// </summary>
internal sealed class UnexpectedMessage
{
    public required int Context { get; init; }
    public required int Source { get; init; }
    public required int Tag { get; init; }
    public required long Length { get; init; }
    public required int SourceWorldRank { get; init; }
    /// <summary>Eager payload (a pooled array: its first <see cref="Length"/> bytes), or null for a rendezvous request.</summary>
    public byte[]? Payload { get; init; }
    /// <summary>The sender's operation id of a rendezvous request.</summary>
    public long SenderId { get; init; }
    /// <summary>The rendezvous request's flags and pull coordinates (see <see cref="FrameFlags.Pullable"/>).</summary>
    public FrameFlags Flags { get; init; }
    public long PullPid { get; init; }
    public long PullAddress { get; init; }

    public bool IsRendezvous => Payload is null;
}
