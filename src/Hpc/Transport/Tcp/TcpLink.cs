using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Hpc.Messaging;

namespace Hpc.Transport.Tcp;

/// <summary>
/// One authenticated TCP connection to a peer rank. Frames are parsed from a
/// System.IO.Pipelines <see cref="PipeReader"/> by a reader loop; rendezvous data is streamed
/// into the user's buffer as it arrives rather than buffered whole. Sends are written by the
/// calling thread under a lock, header and small payload in one system call.
/// </summary>
internal sealed class TcpLink : IPeerLink
{
    private readonly Socket _socket;
    private readonly int _peerWorldRank;
    private readonly MatchingEngine _engine;
    private readonly FrameLimits _limits;
    private readonly Action<string> _log;
    private readonly object _sendLock = new();
    private readonly byte[] _sendScratch;
    private readonly Task _readerLoop;
    private volatile bool _closing;

    public TcpLink(Socket socket, int peerWorldRank, MatchingEngine engine, long eagerLimit, Action<string> log)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _peerWorldRank = peerWorldRank;
        _engine = engine;
        EagerLimit = eagerLimit;
        _limits = new FrameLimits(eagerLimit, MatchingEngine.ChunkBytes);
        _log = log;
        _sendScratch = new byte[FrameHeader.Size + (int)Math.Min(eagerLimit, 64 * 1024)];
        var reader = PipeReader.Create(new NetworkStream(socket, ownsSocket: false),
            new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));
        _readerLoop = Task.Run(() => ReadLoopAsync(reader));
    }

    /// <inheritdoc />
    public long EagerLimit { get; }

    /// <inheritdoc />
    public void Send(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        lock (_sendLock)
        {
            if (FrameHeader.Size + payload.Length <= _sendScratch.Length)
            {
                header.Write(_sendScratch);
                payload.CopyTo(_sendScratch.AsSpan(FrameHeader.Size));
                SendAll(_sendScratch.AsSpan(0, FrameHeader.Size + payload.Length));
            }
            else
            {
                header.Write(_sendScratch);
                SendAll(_sendScratch.AsSpan(0, FrameHeader.Size));
                SendAll(payload);
            }
        }
    }

    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int sent = _socket.Send(bytes);
            bytes = bytes[sent..];
        }
    }

    private async Task ReadLoopAsync(PipeReader reader)
    {
        long dataReceiver = 0, dataOffset = 0, dataRemaining = 0;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (true)
                {
                    if (dataRemaining > 0)
                    {
                        long take = Math.Min(dataRemaining, buffer.Length);
                        if (take == 0)
                            break;
                        _engine.OnRendezvousData(dataReceiver, dataOffset, buffer.Slice(0, take));
                        dataOffset += take;
                        dataRemaining -= take;
                        buffer = buffer.Slice(take);
                        continue;
                    }
                    if (buffer.Length < FrameHeader.Size)
                        break;
                    FrameHeader header = ReadHeader(buffer);
                    if (header.Kind == FrameKind.RendezvousData)
                    {
                        buffer = buffer.Slice(FrameHeader.Size);
                        (dataReceiver, dataOffset, dataRemaining) = (header.ReceiverId, header.Offset, header.Length);
                        continue;
                    }
                    long frameLength = FrameHeader.Size + header.PayloadLength;
                    if (buffer.Length < frameLength)
                        break;
                    _engine.OnFrame(_peerWorldRank, header, buffer.Slice(FrameHeader.Size, header.PayloadLength));
                    buffer = buffer.Slice(frameLength);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    if (buffer.Length > 0 || dataRemaining > 0)
                        _log($"connection from rank {_peerWorldRank} ended inside a frame");
                    break;
                }
            }
        }
        catch (ProtocolViolationException e)
        {
            _log($"dropping the connection from rank {_peerWorldRank}: {e.Message}");
        }
        catch (Exception e) when (_closing || e is IOException or SocketException or ObjectDisposedException)
        {
            if (!_closing)
                _log($"connection from rank {_peerWorldRank} failed: {e.Message}");
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            if (!_closing)
                _socket.Dispose();
        }
    }

    private FrameHeader ReadHeader(ReadOnlySequence<byte> buffer)
    {
        Span<byte> bytes = stackalloc byte[FrameHeader.Size];
        buffer.Slice(0, FrameHeader.Size).CopyTo(bytes);
        return FrameHeader.Read(bytes, _limits);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _closing = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
        _readerLoop.Wait(TimeSpan.FromSeconds(2));
    }
}
