using System.Buffers;
using System.Buffers.Binary;

namespace MPI.Internal;

/// <summary>
/// Point-to-point messages of serialized values (types that are not unmanaged).
/// </summary>
/// <remarks>
/// <para>
/// A serialized value is sent as a <em>header message</em> on the user's communicator with the
/// user's tag, so it matches receives, probes, AnySource and AnyTag exactly like a raw message and
/// keeps MPI's ordering. The header is [magic, payload tag, length] followed, when the bytes fit
/// in <see cref="InlineCapacity"/>, by the bytes themselves: a small object (most strings) is one
/// message. A larger object's bytes follow as a second message on a private <em>shadow</em>
/// communicator (a Dup made when the MPI communicator was created), tagged with a number unique
/// to this sender, so no user receive can take it and two concurrent receives cannot swap
/// payloads.
/// </para>
/// <para>
/// The payload is sent in the background from the layer's own buffer (like MPI_Bsend): a send of a
/// serialized value completes once its header is out, so it never waits for the receiver to reach
/// the payload and cannot deadlock on a matching non-blocking receive the receiver has not yet
/// waited on. Background payload sends that failed surface on the next serialized send.
/// </para>
/// </remarks>
internal sealed class SerializedChannel
{
    public const int Magic = 0x314E_504D; // "MPN1" little-endian
    public const int HeaderSize = 12;
    public const int HeaderCapacity = 8192;
    public const int InlineCapacity = HeaderCapacity - HeaderSize;
    private const int Inline = -1;

    private readonly HpcComm _user;
    private readonly HpcComm _shadow;
    private readonly List<Hpc.Request> _payloads = [];
    private int _nextPayloadTag;

    public SerializedChannel(HpcComm user, HpcComm shadow)
    {
        _user = user;
        _shadow = shadow;
    }

    /// <summary>Starts sending <paramref name="bytes"/>; the request completes when the header is out.</summary>
    public Hpc.Request StartSend(byte[] bytes, int dest, int tag)
    {
        if (bytes.Length <= InlineCapacity)
            return _user.Isend(InlineMessage(bytes), dest, tag);
        int payloadTag = Interlocked.Increment(ref _nextPayloadTag) & int.MaxValue;
        Track(_shadow.Isend(bytes, dest, payloadTag));
        return _user.Isend(Header(payloadTag, bytes.Length), dest, tag);
    }

    /// <summary>Sends <paramref name="bytes"/>; returns once the header is out (the payload follows in the background).</summary>
    public void Send(byte[] bytes, int dest, int tag)
    {
        if (bytes.Length <= InlineCapacity)
        {
            _user.Send(InlineMessage(bytes), dest, tag);
            return;
        }
        int payloadTag = Interlocked.Increment(ref _nextPayloadTag) & int.MaxValue;
        Track(_shadow.Isend(bytes, dest, payloadTag));
        _user.Send(Header(payloadTag, bytes.Length), dest, tag);
    }

    /// <summary>Receives one serialized message and returns its bytes and status (blocking).</summary>
    public byte[] Receive(int source, int tag, out Hpc.Status status)
    {
        byte[] header = ArrayPool<byte>.Shared.Rent(HeaderCapacity);
        try
        {
            try
            {
                status = _user.Receive(header.AsSpan(0, HeaderCapacity), source, tag);
            }
            catch (Hpc.MessageTruncatedException e)
            {
                throw NotSerialized(e);
            }
            return Complete(header, status);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(header);
        }
    }

    /// <summary>Posts the receive of a header (the first stage of a non-blocking serialized receive).</summary>
    public Hpc.Request PostHeader(byte[] header, int source, int tag) => _user.Irecv(header, source, tag);

    /// <summary>
    /// Reads a received header: the value's bytes when they came inline (<paramref name="payload"/>
    /// null), or the request receiving them from the shadow communicator.
    /// </summary>
    public byte[]? OpenHeader(byte[] header, Hpc.Status status, out Hpc.Request? payload)
    {
        if (status.Source == HpcComm.ProcNull)
        {
            payload = null;
            return [];
        }
        (int payloadTag, int length) = Parse(header, status);
        if (payloadTag == Inline)
        {
            payload = null;
            return header.AsSpan(HeaderSize, length).ToArray();
        }
        var bytes = new byte[length];
        payload = _shadow.Irecv(bytes, status.Source, payloadTag);
        return bytes;
    }

    private byte[] Complete(byte[] header, Hpc.Status status)
    {
        (int payloadTag, int length) = Parse(header, status);
        if (payloadTag == Inline)
            return header.AsSpan(HeaderSize, length).ToArray();
        var bytes = new byte[length];
        _shadow.Receive(bytes, status.Source, payloadTag);
        return bytes;
    }

    /// <summary>Wraps a truncation of a header receive: the sender sent raw data, not a serialized value.</summary>
    public static Exception NotSerialized(Hpc.MessageTruncatedException e) =>
        new MessageTruncatedException(
            $"{e.Message} (a receive of a type that travels serialized met a larger raw message: do sender and receiver use the same type?)", e);

    private static (int PayloadTag, int Length) Parse(byte[] header, Hpc.Status status)
    {
        if (status.ByteCount < HeaderSize || BinaryPrimitives.ReadInt32LittleEndian(header) != Magic)
        {
            throw new InvalidOperationException(
                $"MPI: the message from rank {status.Source} (tag {status.Tag}, {status.ByteCount} bytes) was not sent as a serialized value: " +
                "unmanaged types (int, double, structs of them) travel as raw data and all other types serialized, so sender and receiver must use the same type.");
        }
        int payloadTag = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        int length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8));
        if (length < 0 || (payloadTag == Inline && HeaderSize + (long)length > status.ByteCount))
            throw new InvalidOperationException($"MPI: corrupt header of a serialized message from rank {status.Source} (tag {status.Tag})");
        return (payloadTag, length);
    }

    private static byte[] InlineMessage(byte[] bytes)
    {
        var message = new byte[HeaderSize + bytes.Length];
        WriteHeader(message, Inline, bytes.Length);
        bytes.CopyTo(message.AsSpan(HeaderSize));
        return message;
    }

    private static byte[] Header(int payloadTag, int length)
    {
        var header = new byte[HeaderSize];
        WriteHeader(header, payloadTag, length);
        return header;
    }

    private static void WriteHeader(Span<byte> header, int payloadTag, int length)
    {
        BinaryPrimitives.WriteInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], payloadTag);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], length);
    }

    /// <summary>Keeps background payload sends, dropping finished ones; a failed one throws here.</summary>
    private void Track(Hpc.Request payload)
    {
        List<Hpc.Request>? finished = null;
        lock (_payloads)
        {
            for (int i = _payloads.Count - 1; i >= 0; i--)
            {
                if (_payloads[i].IsCompleted)
                {
                    (finished ??= []).Add(_payloads[i]);
                    _payloads.RemoveAt(i);
                }
            }
            if (!payload.IsCompleted)
                _payloads.Add(payload);
        }
        if (finished is not null)
        {
            foreach (Hpc.Request request in finished)
                request.Wait(); // returns at once; rethrows the failure of a background payload send
        }
    }
}
