using Hpc.Messaging;

namespace Hpc.Collectives;

/// <summary>
/// The narrow point-to-point interface every collective algorithm is written against. It
/// sends and receives in the communicator's private collective context, so no user receive
/// (not even AnySource/AnyTag) can take a collective's message, and it never exposes a
/// transport. Each collective call takes a fresh <see cref="NextTag"/>, so several collectives
/// in flight at once (non-blocking collectives) never mix their messages.
/// </summary>
internal sealed unsafe class CollectiveContext
{
    private readonly Communicator _communicator;
    private readonly Messenger _engine;
    private readonly int _context;
    private int _sequence;

    public CollectiveContext(Communicator communicator)
    {
        _communicator = communicator;
        _engine = communicator.Runtime.Engine;
        _context = communicator.Context + 1;
    }

    /// <summary>This rank in the communicator.</summary>
    public int Rank => _communicator.Rank;

    /// <summary>Members of the communicator.</summary>
    public int Size => _communicator.Size;

    /// <summary>The tag of the next collective call; every member draws the same sequence.</summary>
    public int NextTag() => Interlocked.Increment(ref _sequence) & int.MaxValue;

    /// <summary>The tag (sequence number) of the last collective started; 0 before the first.</summary>
    public int Sequence => Volatile.Read(ref _sequence) & int.MaxValue;

    /// <summary>Sends <paramref name="data"/> to <paramref name="dest"/>; returns when the buffer may be reused.</summary>
    public void Send<T>(int dest, int tag, ReadOnlySpan<T> data) where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(data);
        fixed (byte* pointer = bytes)
        {
            Request request = _engine.StartSend(_context, Rank, _communicator.WorldRankOf(dest), tag, pointer, bytes.Length);
            if (!request.IsCompleted)
                request.Wait();
        }
    }

    /// <summary>Receives exactly into <paramref name="buffer"/> from <paramref name="source"/>.</summary>
    /// <exception cref="HpcException">The message size differs from the buffer's (the ranks disagree on the count).</exception>
    public void Receive<T>(int source, int tag, Span<T> buffer) where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(buffer);
        fixed (byte* pointer = bytes)
        {
            var request = new ReceiveRequest(_context, source, tag, pointer, bytes.Length, sizeof(T));
            _engine.Post(request);
            CheckExact(request.Wait(), bytes.Length, source);
        }
    }

    /// <summary>Sends to <paramref name="dest"/> and receives from <paramref name="source"/> concurrently.</summary>
    public void SendReceive<T>(int dest, ReadOnlySpan<T> sendData, int source, Span<T> receiveBuffer, int tag) where T : unmanaged
    {
        ReadOnlySpan<byte> sendBytes = MemoryMarshal.AsBytes(sendData);
        Span<byte> receiveBytes = MemoryMarshal.AsBytes(receiveBuffer);
        fixed (byte* sendPointer = sendBytes)
        fixed (byte* receivePointer = receiveBytes)
        {
            var receive = new ReceiveRequest(_context, source, tag, receivePointer, receiveBytes.Length, sizeof(T));
            _engine.Post(receive);
            Request send = _engine.StartSend(_context, Rank, _communicator.WorldRankOf(dest), tag, sendPointer, sendBytes.Length);
            try
            {
                CheckExact(receive.Wait(), receiveBytes.Length, source);
            }
            finally
            {
                if (!send.IsCompleted)
                    send.Wait();
            }
        }
    }

    /// <summary>
    /// Starts a send from pinned memory; the caller keeps <paramref name="data"/> pinned and
    /// unchanged until the request completes.
    /// </summary>
    public Request StartSend(int dest, int tag, byte* data, long length) =>
        _engine.StartSend(_context, Rank, _communicator.WorldRankOf(dest), tag, data, length);

    /// <summary>Posts a receive into pinned memory; the caller keeps it pinned until the request completes.</summary>
    public Request StartReceive(int source, int tag, byte* buffer, long length)
    {
        var request = new ReceiveRequest(_context, source, tag, buffer, length, 1);
        _engine.Post(request);
        return request;
    }

    /// <summary>
    /// Sends <paramref name="bytes"/> at <paramref name="own"/> to every other member and receives
    /// theirs at the same time, member r's into <paramref name="slots"/> + r × <paramref name="bytes"/>
    /// (one round of the direct algorithms); returns when every message arrived and every send is
    /// done. Memory stays pinned by the caller throughout.
    /// </summary>
    public void ExchangeWithAll(byte* own, byte* slots, long bytes, int tag)
    {
        var receives = new Request?[Size];
        var sends = new Request?[Size];
        bool finished = false;
        try
        {
            for (int source = 0; source < Size; source++)
            {
                if (source != Rank)
                    receives[source] = StartReceive(source, tag, slots + source * bytes, bytes);
            }
            // Start with the next rank up, so the ranks do not all send to rank 0 first.
            for (int step = 1; step < Size; step++)
            {
                int dest = (Rank + step) % Size;
                sends[dest] = StartSend(dest, tag, own, bytes);
            }
            for (int source = 0; source < Size; source++)
            {
                if (receives[source] is { } receive)
                    WaitReceive(receive, bytes, source);
            }
            foreach (Request? send in sends)
            {
                if (send is { IsCompleted: false })
                    send.Wait();
            }
            finished = true;
        }
        finally
        {
            if (!finished)
                AbandonReceives(receives);
        }
    }

    /// <summary>Waits for a receive started with <see cref="StartReceive"/> and checks its size.</summary>
    public void WaitReceive(Request request, long expectedBytes, int source) => CheckExact(request.Wait(), expectedBytes, source);

    /// <summary>
    /// Withdraws receives started with <see cref="StartReceive"/> that have not matched yet, so a
    /// failed algorithm does not leave receives pointing into memory it is about to release.
    /// Best effort: a receive that already matched is left to finish or fail.
    /// </summary>
    public void AbandonReceives(ReadOnlySpan<Request?> receives)
    {
        foreach (Request? request in receives)
        {
            if (request is ReceiveRequest { IsCompleted: false } receive)
                _engine.TryCancel(receive);
        }
    }

    /// <summary>Name of the communicator, for messages.</summary>
    public string CommunicatorName => _communicator.Name;

    private void CheckExact(Status status, long expectedBytes, int source)
    {
        if (status.ByteCount != expectedBytes)
            throw new HpcException($"collective on '{_communicator.Name}': rank {Rank} expected {expectedBytes} bytes from rank {source} but got {status.ByteCount}; do all ranks pass the same count?");
    }
}
