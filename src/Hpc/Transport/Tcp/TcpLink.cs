using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Hpc.Messaging;

namespace Hpc.Transport.Tcp;

/// <summary>
/// One authenticated TCP connection to a peer rank. Frames are parsed from a
/// System.IO.Pipelines <see cref="Pipe"/>, either by a caller that spins waiting for a message (<see cref="Poll"/>) or by a background reader when nobody spins; rendezvous data is streamed
/// into the user's buffer as it arrives rather than buffered whole. Sends are written by the
/// calling thread under a lock, header and small payload in one system call. The socket is
/// non-blocking: a full socket makes the sender spin briefly, then wait in poll(2).
/// </summary>
internal sealed class TcpLink : IPeerLink
{
    private readonly Socket _socket;
    private readonly int _peerWorldRank;
    private readonly IFrameSink _sink;
    private readonly ProgressEngine _progress;
    private readonly FrameLimits _limits;
    private readonly Action<string> _log;
    private readonly object _sendLock = new();
    private readonly byte[] _sendScratch;
    private readonly Thread _readerThread;
    // The receive side below is only touched by the thread that set _receiving. Not a Monitor:
    // it is re-entrant, and a receive re-entered from a send made while dispatching would
    // parse bytes the outer receive is still working on.
    private int _receiving;
    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0, readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false, minimumSegmentSize: 64 * 1024));
    private long _dataReceiver, _dataOffset, _dataRemaining;
    private bool _pipeHoldsBytes;
    private volatile bool _closing;
    private volatile bool _dead;

    public TcpLink(Socket socket, int peerWorldRank, IFrameSink sink, ProgressEngine progress, long eagerLimit, Action<string> log)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _socket.Blocking = false;
        _peerWorldRank = peerWorldRank;
        _sink = sink;
        _progress = progress;
        EagerLimit = eagerLimit;
        _limits = new FrameLimits(eagerLimit, RendezvousProtocol.ChunkBytes);
        _log = log;
        _sendScratch = new byte[FrameHeader.Size + (int)Math.Min(eagerLimit, 64 * 1024)];
        _readerThread = new Thread(ReadLoop) { IsBackground = true, Name = $"hpc-tcp-{peerWorldRank}" };
        _readerThread.Start();
    }

    /// <summary>
    /// Messages up to this size go eagerly over TCP (above it, request to send and clear to
    /// send first): a round trip between hosts costs more than a few hundred KiB of buffering at
    /// an unready receiver, and the node-aware collectives' segments (a third of 512 KiB among
    /// three hosts' leaders) then stream without one. Measured 2026-12-07, 3 hosts x 2 ranks,
    /// 1 Gbit/s, allreduce 4 MiB (bench/multihost.sh --hosts 3, two runs each, µs): 55,000-101,000
    /// at 64 KiB (six runs), 67,806 at 128 KiB, 51,777 at 256 KiB, 51,389 at 512 KiB; loopback
    /// ping-pong 64-256 KiB unchanged within its noise. MPICH's ch3 TCP eager limit is 128 KiB.
    /// </summary>
    public const long DefaultEagerLimit = 256 * 1024;

    /// <inheritdoc />
    public long EagerLimit { get; }

    /// <inheritdoc />
    public bool StartsReadersWhenBlocked => true;

    /// <summary>The socket's descriptor for a thread that sleeps in poll(2) until data arrives; -1 once the link is dead (poll skips it).</summary>
    public int PollDescriptor => _dead ? -1 : (int)_socket.SafeHandle.DangerousGetHandle();

    /// <inheritdoc />
    public void Send(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        lock (_sendLock)
        {
            int headerBytes = header.EncodedSize;
            header.Write(_sendScratch);
            if (headerBytes + payload.Length <= _sendScratch.Length)
            {
                payload.CopyTo(_sendScratch.AsSpan(headerBytes));
                SendAll(_sendScratch.AsSpan(0, headerBytes + payload.Length));
            }
            else
            {
                SendAll(_sendScratch.AsSpan(0, headerBytes));
                SendAll(payload);
            }
        }
    }

    /// <summary>
    /// Writes every byte on the non-blocking socket. When the socket is full the thread spins
    /// (the peer is usually draining it right now: sleeping in send(2) would cost a wake-up per
    /// refill, which left the cores idle most of a large transfer), then waits in poll(2) once
    /// the peer stalls. Meanwhile the background readers run, so two ranks that fill each
    /// other's sockets keep reading; this thread cannot read itself, it is inside a frame.
    /// </summary>
    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        bool blocked = false;
        long stalledSince = 0;
        try
        {
            while (!bytes.IsEmpty)
            {
                int sent = _socket.Send(bytes, SocketFlags.None, out SocketError error);
                if (error == SocketError.Success)
                {
                    bytes = bytes[sent..];
                    stalledSince = 0;
                    continue;
                }
                if (error != SocketError.WouldBlock)
                    throw new SocketException((int)error);
                if (!blocked)
                {
                    blocked = true;
                    _progress.BeginBlockedSend();
                }
                long now = Stopwatch.GetTimestamp();
                if (stalledSince == 0)
                    stalledSince = now;
                if (now - stalledSince < SpinBeforePollTicks)
                    Thread.SpinWait(50);
                else
                    _socket.Poll(1000, SelectMode.SelectWrite);
            }
        }
        finally
        {
            if (blocked)
                _progress.EndBlockedSend();
        }
    }

    private static readonly long SpinBeforePollTicks = Stopwatch.Frequency / 5000;

    /// <inheritdoc />
    public bool NeedsPolling => true;

    /// <summary>
    /// Reads whatever has arrived, if no other thread is reading this link right now. Called by
    /// blocked callers while they spin: the thread that waits for a message reads it off the
    /// socket itself, with no wake-up of another thread on the way.
    /// </summary>
    public bool Poll()
    {
        if (_dead || Interlocked.CompareExchange(ref _receiving, 1, 0) != 0)
            return false;
        try
        {
            // One non-blocking receive, no FIONREAD first: under a hypervisor every system call
            // is expensive, and the spinning waiter makes this call thousands of times.
            if (_dead)
                return false;
            ReceiveOutcome outcome = ReceiveAndDispatch();
            if (outcome == ReceiveOutcome.EndOfStream)
                EndOfStream();
            return outcome == ReceiveOutcome.Data;
        }
        catch (Exception e)
        {
            Fail(e);
            return false;
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    private void ReadLoop()
    {
        // The background reader makes progress when nobody is spinning on this link: it sleeps in
        // poll(2) without holding the receive lock, so spinning callers are never locked out.
        try
        {
            while (!_dead)
            {
                if (!_progress.WaitForBackgroundWorkOrPending(200))
                    continue;
                if (!_socket.Poll(200_000, SelectMode.SelectRead))
                {
                    _progress.TryParkBackground();
                    continue;
                }
                // Someone started spinning while this thread slept in poll: the spinner reads.
                if (_progress.SomeoneSpins)
                    continue;
                if (Interlocked.CompareExchange(ref _receiving, 1, 0) != 0)
                    continue;
                try
                {
                    if (_dead)
                        break;
                    if (ReceiveAndDispatch() == ReceiveOutcome.EndOfStream)
                        EndOfStream();
                }
                finally
                {
                    Volatile.Write(ref _receiving, 0);
                }
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private void EndOfStream()
    {
        _dead = true;
        if (!_closing && (_dataRemaining > 0 || _pipe.Reader.TryRead(out ReadResult rest) && !rest.Buffer.IsEmpty))
            _log($"connection from rank {_peerWorldRank} ended inside a frame");
    }

    private enum ReceiveOutcome { Nothing, Data, EndOfStream }

    /// <summary>One non-blocking receive into <paramref name="target"/>: Data (with the byte count), Nothing or EndOfStream; a socket error throws.</summary>
    private ReceiveOutcome ReceiveOnce(Span<byte> target, out int received)
    {
        received = _socket.Receive(target, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock)
            return ReceiveOutcome.Nothing;
        if (error != SocketError.Success)
            throw new SocketException((int)error);
        return received == 0 ? ReceiveOutcome.EndOfStream : ReceiveOutcome.Data;
    }

    private void Fail(Exception e)
    {
        _dead = true;
        if (e is ProtocolViolationException)
            _log($"dropping the connection from rank {_peerWorldRank}: {e.Message}");
        else if (!_closing)
            _log($"connection from rank {_peerWorldRank} failed: {e.Message}");
        if (!_closing)
            _socket.Dispose();
    }

    /// <summary>One receive into the pipe, then every whole frame in it is dispatched. Caller owns <see cref="_receiving"/>.</summary>
    private ReceiveOutcome ReceiveAndDispatch()
    {
        if (_dataRemaining > 0 && !_pipeHoldsBytes)
        {
            // Bulk data goes straight from the socket into the user's buffer: no copy through
            // the pipe, and reads as large as the kernel will give.
            Span<byte> target = _sink.RendezvousTarget(_dataReceiver, _dataOffset, _dataRemaining);
            ReceiveOutcome directOutcome = ReceiveOnce(target, out int direct);
            if (directOutcome != ReceiveOutcome.Data)
                return directOutcome;
            _dataOffset += direct;
            _dataRemaining -= direct;
            _sink.RendezvousBytesWritten(_dataReceiver, direct);
            return ReceiveOutcome.Data;
        }
        PipeWriter writer = _pipe.Writer;
        ReceiveOutcome outcome = ReceiveOnce(writer.GetSpan(64 * 1024), out int received);
        if (outcome != ReceiveOutcome.Data)
            return outcome;
        writer.Advance(received);
        writer.FlushAsync().GetAwaiter().GetResult();
        PipeReader reader = _pipe.Reader;
        if (!reader.TryRead(out ReadResult result))
            return ReceiveOutcome.Data;
        ReadOnlySequence<byte> buffer = result.Buffer;
        Span<byte> headerBytes = stackalloc byte[FrameHeader.Size];
        while (true)
        {
            if (_dataRemaining > 0)
            {
                long take = Math.Min(_dataRemaining, buffer.Length);
                if (take == 0)
                    break;
                foreach (ReadOnlyMemory<byte> segment in buffer.Slice(0, take))
                {
                    _sink.OnRendezvousData(_dataReceiver, _dataOffset, segment.Span);
                    _dataOffset += segment.Length;
                }
                _dataRemaining -= take;
                buffer = buffer.Slice(take);
                continue;
            }
            if (buffer.Length < FrameHeader.EagerSize)
                break;
            buffer.Slice(0, FrameHeader.EagerSize).CopyTo(headerBytes);
            int headerSize = FrameHeader.SizeAt(headerBytes);
            if (buffer.Length < headerSize)
                break;
            // An eager frame's header is all copied now; only a longer header needs its rest.
            buffer.Slice(FrameHeader.EagerSize, headerSize - FrameHeader.EagerSize).CopyTo(headerBytes[FrameHeader.EagerSize..]);
            FrameHeader header = FrameHeader.Read(headerBytes[..headerSize], _limits);
            if (header.Kind == FrameKind.RendezvousData)
            {
                buffer = buffer.Slice(headerSize);
                (_dataReceiver, _dataOffset, _dataRemaining) = (header.ReceiverId, header.Offset, header.Length);
                continue;
            }
            long frameLength = headerSize + header.PayloadLength;
            if (buffer.Length < frameLength)
                break;
            ReadOnlySequence<byte> payload = buffer.Slice(headerSize, header.PayloadLength);
            // A frame that straddles two pipe segments (every large eager message does) is copied
            // into a scratch buffer of this link: an array per message made the collector pause.
            ReadOnlySpan<byte> bytes = payload.IsSingleSegment ? payload.FirstSpan : Gather(payload);
            _sink.OnFrame(_peerWorldRank, header, bytes);
            buffer = buffer.Slice(frameLength);
        }
        reader.AdvanceTo(buffer.Start, buffer.End);
        _pipeHoldsBytes = !buffer.IsEmpty;
        return ReceiveOutcome.Data;
    }

    private byte[]? _straddleScratch;

    private ReadOnlySpan<byte> Gather(ReadOnlySequence<byte> payload)
    {
        // Only eager frames reach here, and their payload was checked against the eager limit.
        byte[] scratch = _straddleScratch ??= new byte[(int)_limits.MaxEagerBytes];
        Span<byte> target = scratch.AsSpan(0, (int)payload.Length);
        payload.CopyTo(target);
        return target;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _closing = true;
        _dead = true;
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
        _progress.WakeBackgroundForShutdown();
        if (Thread.CurrentThread != _readerThread)
            _readerThread.Join(TimeSpan.FromSeconds(2));
    }
}
