using System.Buffers.Binary;

namespace Hpc.Messaging;

/// <summary>Kinds of frame exchanged between two ranks.</summary>
internal enum FrameKind : byte
{
    /// <summary>A whole small message: header then payload.</summary>
    Eager = 1,
    /// <summary>Request to send a large message (rendezvous): the header only; Length is the message size.</summary>
    RendezvousRequest = 2,
    /// <summary>The receiver matched a rendezvous request and has a buffer ready (or rejects it).</summary>
    ClearToSend = 3,
    /// <summary>A chunk of a large message, addressed to the receiver's pending receive.</summary>
    RendezvousData = 4,
    /// <summary>
    /// The sender wrote Length bytes of a large message straight into the receiver's buffer,
    /// starting at Offset (see <see cref="FrameFlags.Split"/>); no payload.
    /// </summary>
    PushDone = 5,
}

/// <summary>Flags carried by a frame.</summary>
[Flags]
internal enum FrameFlags : byte
{
    None = 0,
    /// <summary>On ClearToSend: the receiver will not take the data (its buffer is too small).</summary>
    Rejected = 1 << 0,
    /// <summary>On RendezvousRequest: the receiver may read the data straight from the sender's
    /// memory; ReceiverId carries the sender's pid and Offset the data's address.</summary>
    Pullable = 1 << 1,
    /// <summary>On ClearToSend: the receiver already copied the data itself; the send is complete.</summary>
    Pulled = 1 << 2,
    /// <summary>
    /// On ClearToSend: both sides copy, each claiming segments from a shared word (see
    /// <see cref="SharedCopy"/>). The receiver reads its segments out of the sender's memory while
    /// the sender writes its own into the receiver's buffer; Context carries the receiver's pid,
    /// Offset its buffer's address and Tag the claim word. ClearToSends for ranges to stream
    /// (segments the receiver could not read) may follow, and last one with <see cref="Pulled"/>
    /// once the receiver has stopped reading.
    /// </summary>
    Split = 1 << 3,
}

/// <summary>
/// The header that starts every frame on every transport: 48 bytes, or 24 for an eager frame,
/// which carries no operation ids or offset. Little-endian.
/// <code>
///  0 magic 'H''P'   2 kind   3 flags   4 context   8 source   12 tag
/// 16 length (payload bytes; total message bytes for RendezvousRequest/ClearToSend)
/// 24 sender operation id   32 receiver operation id   40 offset (RendezvousData)   (not on eager frames)
/// </code>
/// The short eager header is what lets a small message share one cache line with its header in
/// the shared-memory ring (8 bytes of record prefix, 24 of header, up to 32 of payload): a second
/// line costs a second transfer between the ranks' cores on every message.
/// </summary>
internal readonly record struct FrameHeader(
    FrameKind Kind,
    FrameFlags Flags,
    int Context,
    int Source,
    int Tag,
    long Length,
    long SenderId = 0,
    long ReceiverId = 0,
    long Offset = 0)
{
    /// <summary>Bytes of the longest header (every kind but eager).</summary>
    public const int Size = 48;

    /// <summary>Bytes of an eager frame's header.</summary>
    public const int EagerSize = 24;

    /// <summary>Bytes this header takes on the wire.</summary>
    public int EncodedSize => SizeOf(Kind);

    /// <summary>Bytes a header of <paramref name="kind"/> takes on the wire (unknown kinds: <see cref="Size"/>; reading one fails).</summary>
    public static int SizeOf(FrameKind kind) => kind == FrameKind.Eager ? EagerSize : Size;

    /// <summary>Bytes of the header that starts with <paramref name="start"/> (at least its first 3 bytes, which hold the kind).</summary>
    public static int SizeAt(ReadOnlySpan<byte> start) => SizeOf((FrameKind)start[2]);
    private const ushort Magic = 0x5048; // "HP"

    // One factory per kind of frame, with parameters named for what they carry: the wire layout
    // is shared, so some kinds carry a pid or an address in a field named for another kind.

    /// <summary>A whole small message.</summary>
    public static FrameHeader ForEager(int context, int source, int tag, long length) =>
        new(FrameKind.Eager, FrameFlags.None, context, source, tag, length);

    /// <summary>
    /// A request to send a large message; with <paramref name="senderPid"/>, the receiver may read
    /// the data itself at <paramref name="senderAddress"/> in the sender's memory (see <see cref="FrameFlags.Pullable"/>).
    /// </summary>
    public static FrameHeader ForRendezvousRequest(int context, int source, int tag, long length, long senderId, int? senderPid = null, long senderAddress = 0) =>
        senderPid is int pid
            ? new(FrameKind.RendezvousRequest, FrameFlags.Pullable, context, source, tag, length, senderId, ReceiverId: pid, Offset: senderAddress)
            : new(FrameKind.RendezvousRequest, FrameFlags.None, context, source, tag, length, senderId);

    /// <summary>The receiver's answer to a rendezvous request (<paramref name="flags"/>: rejected, pulled, or none: send the data to <paramref name="receiverId"/>).</summary>
    public static FrameHeader ForClearToSend(long senderId, long length, FrameFlags flags = FrameFlags.None, long receiverId = 0) =>
        new(FrameKind.ClearToSend, flags, 0, 0, 0, length, senderId, receiverId);

    /// <summary>Both sides copy: the sender writes the segments it claims through <paramref name="claimWord"/> into <paramref name="receiverAddress"/> of process <paramref name="receiverPid"/> (see <see cref="FrameFlags.Split"/>).</summary>
    public static FrameHeader ForSplitClearToSend(long senderId, long length, long receiverId, int receiverPid, long receiverAddress, int claimWord) =>
        new(FrameKind.ClearToSend, FrameFlags.Split, receiverPid, 0, claimWord, length, senderId, receiverId, receiverAddress);

    /// <summary>During a split copy: the sender streams <paramref name="length"/> bytes from <paramref name="offset"/> (segments the receiver could not read).</summary>
    public static FrameHeader ForStreamRange(long senderId, long receiverId, long offset, long length) =>
        new(FrameKind.ClearToSend, FrameFlags.None, 0, 0, 0, length, senderId, receiverId, offset);

    /// <summary>A chunk of rendezvous data for the receive <paramref name="receiverId"/>, at <paramref name="offset"/> of the message.</summary>
    public static FrameHeader ForData(long receiverId, long offset, long length) =>
        new(FrameKind.RendezvousData, FrameFlags.None, 0, 0, 0, length, ReceiverId: receiverId, Offset: offset);

    /// <summary>The sender wrote <paramref name="length"/> bytes straight into the receive <paramref name="receiverId"/> at <paramref name="offset"/>.</summary>
    public static FrameHeader ForPushDone(long receiverId, long offset, long length) =>
        new(FrameKind.PushDone, FrameFlags.None, 0, 0, 0, length, ReceiverId: receiverId, Offset: offset);

    /// <summary>On a pullable rendezvous request: the sender's process id.</summary>
    public int SenderPid => (int)ReceiverId;

    /// <summary>On a pullable rendezvous request: where the data lies in the sender's memory.</summary>
    public long SenderAddress => Offset;

    /// <summary>On a split clear-to-send: the receiver's process id.</summary>
    public int ReceiverPid => Context;

    /// <summary>On a split clear-to-send: where the receiver's buffer lies in its memory.</summary>
    public long ReceiverAddress => Offset;

    /// <summary>On a split clear-to-send: the claim word of the link both ranks claim segments from.</summary>
    public int ClaimWord => Tag;

    /// <summary>On a clear-to-send for a range of a split send: where the range starts.</summary>
    public long RangeOffset => Offset;

    /// <summary>Payload bytes that follow this header on the wire.</summary>
    public long PayloadLength => Kind is FrameKind.Eager or FrameKind.RendezvousData ? Length : 0;

    /// <summary>Writes the header's <see cref="EncodedSize"/> bytes at the start of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, Magic);
        destination[2] = (byte)Kind;
        destination[3] = (byte)Flags;
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Context);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], Source);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], Tag);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Length);
        if (Kind == FrameKind.Eager)
            return;
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], SenderId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], ReceiverId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], Offset);
    }

    /// <summary>
    /// Decodes and validates a header. Everything a peer could send wrong is checked here, before
    /// any buffer is sized from it.
    /// </summary>
    /// <exception cref="ProtocolViolationException">The bytes are not a valid header within the limits.</exception>
    public static FrameHeader Read(ReadOnlySpan<byte> source, FrameLimits limits)
    {
        if (source.Length < EagerSize)
            throw new ProtocolViolationException($"truncated frame header ({source.Length} of at least {EagerSize} bytes)");
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(source);
        if (magic != Magic)
            throw new ProtocolViolationException($"bad frame magic 0x{magic:X4}");
        var kind = (FrameKind)source[2];
        int size = SizeOf(kind);
        if (source.Length < size)
            throw new ProtocolViolationException($"truncated {kind} frame header ({source.Length} of {size} bytes)");
        bool ids = size == Size;
        var header = new FrameHeader(
            kind,
            (FrameFlags)source[3],
            BinaryPrimitives.ReadInt32LittleEndian(source[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[12..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]),
            ids ? BinaryPrimitives.ReadInt64LittleEndian(source[24..]) : 0,
            ids ? BinaryPrimitives.ReadInt64LittleEndian(source[32..]) : 0,
            ids ? BinaryPrimitives.ReadInt64LittleEndian(source[40..]) : 0);
        header.Validate(limits);
        return header;
    }

    private void Validate(FrameLimits limits)
    {
        if ((Flags & ~(FrameFlags.Rejected | FrameFlags.Pullable | FrameFlags.Pulled | FrameFlags.Split)) != 0)
            throw new ProtocolViolationException($"unknown frame flags 0x{(byte)Flags:X2}");
        if (Length < 0)
            throw new ProtocolViolationException($"negative frame length {Length}");
        switch (Kind)
        {
            case FrameKind.Eager:
                if (Length > limits.MaxEagerBytes)
                    throw new ProtocolViolationException($"eager frame of {Length} bytes exceeds the bound of {limits.MaxEagerBytes}");
                if (Source < 0 || Tag < 0 || Context < 0)
                    throw new ProtocolViolationException($"eager frame with source {Source}, tag {Tag}, context {Context}");
                break;
            case FrameKind.RendezvousRequest:
                if (Source < 0 || Tag < 0 || Context < 0)
                    throw new ProtocolViolationException($"rendezvous request with source {Source}, tag {Tag}, context {Context}");
                break;
            case FrameKind.ClearToSend:
                break;
            case FrameKind.RendezvousData:
                if (Length > limits.MaxChunkBytes)
                    throw new ProtocolViolationException($"data frame of {Length} bytes exceeds the bound of {limits.MaxChunkBytes}");
                if (Offset < 0)
                    throw new ProtocolViolationException($"data frame with negative offset {Offset}");
                break;
            case FrameKind.PushDone:
                if (Offset < 0)
                    throw new ProtocolViolationException($"push notice with negative offset {Offset}");
                break;
            default:
                throw new ProtocolViolationException($"unknown frame kind {(byte)Kind}");
        }
    }
}

/// <summary>Upper bounds on what a peer may make this rank buffer for one frame.</summary>
internal readonly record struct FrameLimits(long MaxEagerBytes, long MaxChunkBytes)
{
    /// <summary>Largest payload of any single frame.</summary>
    public long MaxPayloadBytes => Math.Max(MaxEagerBytes, MaxChunkBytes);
}

/// <summary>A peer sent bytes that break the framing protocol; its connection is dropped.</summary>
internal sealed class ProtocolViolationException(string message) : Exception(message);
