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
        && (Source == Wildcards.AnySource || Source == source)
        && (Tag == Wildcards.AnyTag || Tag == tag);
}
