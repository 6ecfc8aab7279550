using System.Buffers.Binary;
using System.Text;

namespace Hpc.Launcher;

/// <summary>
/// Reads and writes <see cref="DaemonProtocol"/> frames on a stream. A frame's length is checked
/// against the caller's bound before its payload is allocated, so a peer can never make the
/// reader allocate more than that bound. Writes are serialized, so frames from several threads
/// (one per forwarded pipe) never interleave.
/// </summary>
internal sealed class FrameChannel : IDisposable
{
    private readonly Stream _stream;
    private readonly object _writeLock = new();
    private readonly byte[] _header = new byte[5];

    /// <summary>Wraps <paramref name="stream"/>; the channel owns it.</summary>
    public FrameChannel(Stream stream) => _stream = stream;

    /// <summary>Writes one frame; blocks while the peer does not read.</summary>
    /// <exception cref="IOException">The connection is broken.</exception>
    public void Write(DaemonFrame type, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[5];
        header[0] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(header[1..], (uint)payload.Length);
        lock (_writeLock)
        {
            try
            {
                _stream.Write(header);
                _stream.Write(payload);
                _stream.Flush();
            }
            catch (ObjectDisposedException e)
            {
                throw new IOException("the connection is closed", e);
            }
        }
    }

    /// <summary>Writes one frame whose payload <paramref name="build"/> writes.</summary>
    public void Write(DaemonFrame type, Action<BinaryWriter> build)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
            build(writer);
        Write(type, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Reads the next frame; null at a clean end of stream.</summary>
    /// <exception cref="InvalidDataException">The frame is longer than <paramref name="maxPayload"/>, or the stream ends inside it.</exception>
    public async ValueTask<(DaemonFrame Type, byte[] Payload)?> ReadAsync(int maxPayload, CancellationToken cancellationToken)
    {
        int got = 0;
        while (got < _header.Length)
        {
            int n = await _stream.ReadAsync(_header.AsMemory(got), cancellationToken).ConfigureAwait(false);
            if (n == 0)
                return got == 0 ? null : throw new InvalidDataException("connection closed inside a frame header");
            got += n;
        }
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(1));
        if (length > (uint)maxPayload)
            throw new InvalidDataException($"frame of {length} bytes exceeds the limit of {maxPayload}");
        byte[] payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return ((DaemonFrame)_header[0], payload);
    }

    /// <summary>A reader over a payload whose every read past its end is an <see cref="InvalidDataException"/>.</summary>
    public static PayloadReader Reader(byte[] payload) => new(payload);

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}

/// <summary>Reads the fields of one payload; malformed content becomes <see cref="InvalidDataException"/>.</summary>
internal sealed class PayloadReader(byte[] payload)
{
    private readonly BinaryReader _reader = new(new MemoryStream(payload, writable: false), Encoding.UTF8);

    /// <summary>Bytes not yet read.</summary>
    public int Remaining => (int)(_reader.BaseStream.Length - _reader.BaseStream.Position);

    /// <summary>Reads an int32.</summary>
    public int Int() => Guard(_reader.ReadInt32);

    /// <summary>Reads a byte.</summary>
    public byte Byte() => Guard(_reader.ReadByte);

    /// <summary>Reads a length-prefixed UTF-8 string.</summary>
    public string String() => Guard(_reader.ReadString);

    /// <summary>Reads a count of following items, checked against what the payload can still hold.</summary>
    public int Count()
    {
        int count = Int();
        return count >= 0 && count <= Remaining ? count : throw new InvalidDataException($"bad item count {count}");
    }

    /// <summary>The rest of the payload.</summary>
    public byte[] Rest() => Guard(() => _reader.ReadBytes(Remaining));

    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or DecoderFallbackException)
        {
            throw new InvalidDataException("malformed frame payload", e);
        }
    }
}
