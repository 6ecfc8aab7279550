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
        Context = context;
        Source = source;
        Tag = tag;
        Buffer = buffer;
        Capacity = capacity;
        ElementSize = elementSize;
    }

    public int Context { get; }
    public int Source { get; }
    public int Tag { get; }
    public byte* Buffer { get; }
    public long Capacity { get; }
    public int ElementSize { get; }

    // Filled when a rendezvous message is matched to this receive.
    public int MatchedSource;
    public int MatchedTag;
    public long ExpectedBytes;
    public long ReceivedBytes;

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

    /// <summary>The receiver is ready: whoever claims the request first writes the data.</summary>
    public void Clear(MatchingEngine sender, long receiverId)
    {
        _sender = sender;
        _receiverId = receiverId;
        Volatile.Write(ref _state, 1);
    }

    /// <summary>Claims the cleared request for this thread; true exactly once.</summary>
    public bool TryClaim(out long receiverId)
    {
        receiverId = _receiverId;
        return Volatile.Read(ref _state) == 1 && Interlocked.CompareExchange(ref _state, 2, 1) == 1;
    }

    internal override bool HasWorkForWaiter => Volatile.Read(ref _state) == 1;

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
    /// <summary>Eager payload (exactly <see cref="Length"/> bytes), or null for a rendezvous request.</summary>
    public byte[]? Payload { get; init; }
    /// <summary>The sender's operation id of a rendezvous request.</summary>
    public long SenderId { get; init; }
    /// <summary>The rendezvous request's flags and pull coordinates (see <see cref="FrameFlags.Pullable"/>).</summary>
    public FrameFlags Flags { get; init; }
    public long PullPid { get; init; }
    public long PullAddress { get; init; }

    public bool IsRendezvous => Payload is null;
}
