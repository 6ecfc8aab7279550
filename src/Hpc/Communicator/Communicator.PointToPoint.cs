using Hpc.Diagnostics;
using Hpc.Messaging;

namespace Hpc;

// Point-to-point messages: blocking Send, Receive and SendReceive, the non-blocking Isend/Irecv
// and …Async forms, Probe and Iprobe, what the null process (ProcNull) answers, and the checks of
// ranks and tags these calls share. A message is matched by (source, tag) in the order sent.
public sealed unsafe partial class Communicator
{
    // ------------------------------------------------------------------ blocking send

    /// <summary>Sends <paramref name="data"/> to rank <paramref name="dest"/> with <paramref name="tag"/> (MPI_Send).</summary>
    /// <remarks>Returns once the buffer may be reused; large messages wait until the receiver has matched them.</remarks>
    public void Send<T>(ReadOnlySpan<T> data, int dest, int tag) where T : unmanaged
    {
        CheckDestination(dest);
        CheckSendTag(tag);
        if (dest == ProcNull)
            return;
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(data);
        using CallTracker.Scope call = Runtime.Calls.Enter<T>(CallKind.Send, this, dest, tag, data.Length);
        fixed (byte* pointer = bytes)
        {
            Request request = Runtime.Engine.StartSend(Context, Rank, WorldRankOf(dest), tag, pointer, bytes.Length);
            if (!request.IsCompleted)
                request.Wait();
        }
    }

    /// <summary>Sends an array (MPI_Send).</summary>
    public void Send<T>(T[] data, int dest, int tag) where T : unmanaged => Send(new ReadOnlySpan<T>(data), dest, tag);

    /// <summary>Sends one value (MPI_Send with count 1).</summary>
    public void Send<T>(T value, int dest, int tag) where T : unmanaged => Send(new ReadOnlySpan<T>(in value), dest, tag);

    // ------------------------------------------------------------------ blocking receive

    /// <summary>
    /// Receives a message into <paramref name="buffer"/> (MPI_Recv). <paramref name="source"/> may be
    /// <see cref="AnySource"/> and <paramref name="tag"/> <see cref="AnyTag"/>.
    /// </summary>
    /// <returns>Who sent the message, its tag and how many elements arrived.</returns>
    /// <exception cref="MessageTruncatedException">The message is larger than <paramref name="buffer"/>.</exception>
    public Status Receive<T>(Span<T> buffer, int source, int tag) where T : unmanaged
    {
        CheckSource(source);
        CheckReceiveTag(tag);
        if (source == ProcNull)
            return NullProcessStatus(sizeof(T));
        Span<byte> bytes = MemoryMarshal.AsBytes(buffer);
        using CallTracker.Scope call = Runtime.Calls.Enter<T>(CallKind.Receive, this, source, tag, buffer.Length);
        fixed (byte* pointer = bytes)
        {
            var request = ReceiveRequest.ForBlockingCall(Context, source, tag, pointer, bytes.Length, sizeof(T));
            Runtime.Engine.Post(request);
            Status status = request.Wait();
            ReceiveRequest.Release(request);
            return status;
        }
    }

    /// <summary>Receives into an array (MPI_Recv).</summary>
    public Status Receive<T>(T[] buffer, int source, int tag) where T : unmanaged => Receive(new Span<T>(buffer), source, tag);

    /// <summary>Receives one value (MPI_Recv with count 1).</summary>
    public T Receive<T>(int source, int tag) where T : unmanaged => Receive<T>(source, tag, out _);

    /// <summary>Receives one value and reports its status.</summary>
    public T Receive<T>(int source, int tag, out Status status) where T : unmanaged
    {
        T value = default;
        status = Receive(new Span<T>(ref value), source, tag);
        return value;
    }

    /// <summary>
    /// Receives a message of any length into a new array sized to fit it (MPI_Probe, then MPI_Recv
    /// from the probed sender and tag).
    /// </summary>
    public T[] ReceiveArray<T>(int source, int tag, out Status status) where T : unmanaged
    {
        Status probed = Probe<T>(source, tag);
        if (probed.ByteCount % sizeof(T) != 0)
            throw new HpcException($"message from rank {probed.Source} (tag {probed.Tag}) has {probed.ByteCount} bytes, not a whole number of {sizeof(T)}-byte {typeof(T).Name} elements");
        var array = new T[probed.ByteCount / sizeof(T)];
        status = Receive(array, probed.Source, probed.Tag);
        return array;
    }

    /// <summary>Receives a message of any length into a new array.</summary>
    public T[] ReceiveArray<T>(int source, int tag) where T : unmanaged => ReceiveArray<T>(source, tag, out _);

    // ------------------------------------------------------------------ combined

    /// <summary>
    /// Sends <paramref name="sendData"/> to <paramref name="dest"/> and receives into
    /// <paramref name="receiveBuffer"/> from <paramref name="source"/> at the same time, without
    /// deadlock whatever the peers do (MPI_Sendrecv).
    /// </summary>
    public Status SendReceive<T>(ReadOnlySpan<T> sendData, int dest, int sendTag, Span<T> receiveBuffer, int source, int receiveTag)
        where T : unmanaged
    {
        CheckDestination(dest);
        CheckSendTag(sendTag);
        CheckSource(source);
        CheckReceiveTag(receiveTag);
        if (dest == ProcNull || source == ProcNull)
        {
            // One side moves nothing: the exchange is the other side alone (both null: nothing at all).
            if (dest != ProcNull)
                Send(sendData, dest, sendTag);
            return source == ProcNull ? NullProcessStatus(sizeof(T)) : Receive(receiveBuffer, source, receiveTag);
        }
        ReadOnlySpan<byte> sendBytes = MemoryMarshal.AsBytes(sendData);
        Span<byte> receiveBytes = MemoryMarshal.AsBytes(receiveBuffer);
        using CallTracker.Scope call = Runtime.Calls.Enter<T>(CallKind.SendReceive, this, source, receiveTag, receiveBuffer.Length);
        fixed (byte* sendPointer = sendBytes)
        fixed (byte* receivePointer = receiveBytes)
        {
            var receive = new ReceiveRequest(Context, source, receiveTag, receivePointer, receiveBytes.Length, sizeof(T));
            Runtime.Engine.Post(receive);
            Request send = Runtime.Engine.StartSend(Context, Rank, WorldRankOf(dest), sendTag, sendPointer, sendBytes.Length);
            Status status;
            try
            {
                status = receive.Wait();
            }
            finally
            {
                if (!send.IsCompleted)
                    send.Wait();
            }
            return status;
        }
    }

    /// <summary>Exchanges arrays with two peers (MPI_Sendrecv).</summary>
    public Status SendReceive<T>(T[] sendData, int dest, int sendTag, T[] receiveBuffer, int source, int receiveTag) where T : unmanaged =>
        SendReceive(new ReadOnlySpan<T>(sendData), dest, sendTag, new Span<T>(receiveBuffer), source, receiveTag);

    /// <summary>Exchanges one value: sends <paramref name="value"/> and returns the value received.</summary>
    public T SendReceive<T>(T value, int dest, int sendTag, int source, int receiveTag) where T : unmanaged
    {
        T received = default;
        SendReceive(new ReadOnlySpan<T>(in value), dest, sendTag, new Span<T>(ref received), source, receiveTag);
        return received;
    }

    // ------------------------------------------------------------------ non-blocking

    /// <summary>
    /// Starts sending <paramref name="data"/> (MPI_Isend). The memory is pinned and must not be
    /// modified until the returned request completes.
    /// </summary>
    public Request Isend<T>(ReadOnlyMemory<T> data, int dest, int tag) where T : unmanaged
    {
        CheckDestination(dest);
        CheckSendTag(tag);
        if (dest == ProcNull)
            return CompletedRequest(NullProcessStatus(sizeof(T)));
        System.Buffers.MemoryHandle pin = data.Pin();
        long length = (long)data.Length * sizeof(T);
        Request request;
        try
        {
            request = Runtime.Engine.StartSend(Context, Rank, WorldRankOf(dest), tag, (byte*)pin.Pointer, length);
        }
        catch
        {
            pin.Dispose();
            throw;
        }
        if (request.IsCompleted)
        {
            pin.Dispose();
        }
        else
        {
            request.Pin(pin);
            Runtime.Engine.RequestBackgroundProgress();
        }
        return request;
    }

    /// <summary>Starts sending an array (MPI_Isend).</summary>
    public Request Isend<T>(T[] data, int dest, int tag) where T : unmanaged => Isend(new ReadOnlyMemory<T>(data), dest, tag);

    /// <summary>
    /// Posts a receive into <paramref name="buffer"/> (MPI_Irecv); the request's status tells who
    /// sent the message and how many elements arrived.
    /// </summary>
    public Request Irecv<T>(Memory<T> buffer, int source, int tag) where T : unmanaged
    {
        if (source == ProcNull)
        {
            CheckSource(source);
            CheckReceiveTag(tag);
            return CompletedRequest(NullProcessStatus(sizeof(T)));
        }
        ReceiveRequest request = PostReceive(buffer, source, tag);
        Runtime.Engine.RequestBackgroundProgress();
        return request;
    }

    /// <summary>Posts a receive into an array (MPI_Irecv).</summary>
    public Request Irecv<T>(T[] buffer, int source, int tag) where T : unmanaged => Irecv(new Memory<T>(buffer), source, tag);

    private ReceiveRequest PostReceive<T>(Memory<T> buffer, int source, int tag) where T : unmanaged
    {
        CheckSource(source);
        CheckReceiveTag(tag);
        System.Buffers.MemoryHandle pin = buffer.Pin();
        var request = new ReceiveRequest(Context, source, tag, (byte*)pin.Pointer, (long)buffer.Length * sizeof(T), sizeof(T));
        request.Pin(pin);
        Runtime.Engine.Post(request);
        return request;
    }

    /// <summary>Sends asynchronously; completes when the buffer may be reused.</summary>
    /// <remarks>A started send cannot be withdrawn: cancellation stops the wait, and the memory stays pinned until the send completes.</remarks>
    public Task SendAsync<T>(ReadOnlyMemory<T> data, int dest, int tag, CancellationToken cancellationToken = default) where T : unmanaged
    {
        Request request = Isend(data, dest, tag);
        return request.IsCompleted ? Task.CompletedTask : request.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Receives asynchronously. Cancelling <paramref name="cancellationToken"/> withdraws the receive
    /// if no message has matched it yet.
    /// </summary>
    public Task<Status> ReceiveAsync<T>(Memory<T> buffer, int source, int tag, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<Status>(cancellationToken);
        if (source == ProcNull)
            return Irecv(buffer, source, tag).WaitAsync(CancellationToken.None);
        ReceiveRequest request = PostReceive(buffer, source, tag);
        Runtime.Engine.RequestBackgroundProgress();
        return cancellationToken.CanBeCanceled
            ? ReceiveCancellation.AwaitAsync(Runtime.Engine, request, cancellationToken)
            : request.Task;
    }

    // ------------------------------------------------------------------ probe

    /// <summary>Blocks until a matching message can be received and returns its status (MPI_Probe).</summary>
    public Status Probe<T>(int source, int tag) where T : unmanaged
    {
        CheckSource(source);
        CheckReceiveTag(tag);
        if (source == ProcNull)
            return NullProcessStatus(sizeof(T));
        using CallTracker.Scope call = Runtime.Calls.Enter<T>(CallKind.Probe, this, source, tag, 0);
        return Runtime.Engine.Probe(Context, source, tag, sizeof(T));
    }

    /// <summary>Blocks until a matching message can be received; the status counts bytes (MPI_Probe).</summary>
    public Status Probe(int source, int tag) => Probe<byte>(source, tag);

    /// <summary>True, with the status, when a matching message can be received now (MPI_Iprobe); never blocks.</summary>
    public bool Iprobe<T>(int source, int tag, out Status status) where T : unmanaged
    {
        CheckSource(source);
        CheckReceiveTag(tag);
        if (source == ProcNull)
        {
            status = NullProcessStatus(sizeof(T));
            return true;
        }
        Status? found = Runtime.Engine.TryProbe(Context, source, tag, sizeof(T));
        status = found.GetValueOrDefault();
        return found.HasValue;
    }

    /// <summary>True, with the status (counting bytes), when a matching message can be received now (MPI_Iprobe).</summary>
    public bool Iprobe(int source, int tag, out Status status) => Iprobe<byte>(source, tag, out status);

    // ------------------------------------------------------------------ the null process

    /// <summary>What a receive from or a probe of <see cref="ProcNull"/> reports (MPI: source PROC_NULL, tag ANY_TAG, count 0).</summary>
    private static Status NullProcessStatus(int elementSize) => new(ProcNull, AnyTag, 0, elementSize);

    private static Request CompletedRequest(Status status)
    {
        var request = new Request();
        request.Complete(status);
        return request;
    }

    // ------------------------------------------------------------------ argument checks

    private void CheckUsable()
    {
        if (_disposed)
            throw new ObjectDisposedException(Name, $"communicator '{Name}' (rank {Rank} of {Size}) was disposed; it cannot be used any more");
    }

    private void CheckDestination(int dest)
    {
        CheckUsable();
        if ((uint)dest >= (uint)Size && dest != ProcNull)
            throw new ArgumentOutOfRangeException(nameof(dest), dest, $"destination rank {dest} is outside communicator '{Name}' of size {Size} (ProcNull sends nowhere)");
    }

    private void CheckSource(int source)
    {
        CheckUsable();
        if (source != AnySource && source != ProcNull && (uint)source >= (uint)Size)
            throw new ArgumentOutOfRangeException(nameof(source), source, $"source rank {source} is outside communicator '{Name}' of size {Size} (use AnySource for any, ProcNull for none)");
    }

    private static void CheckSendTag(int tag)
    {
        if (tag < 0)
            throw new ArgumentOutOfRangeException(nameof(tag), tag, $"tag {tag} is negative; tags are 0 … {int.MaxValue}");
    }

    private static void CheckReceiveTag(int tag)
    {
        if (tag < 0 && tag != AnyTag)
            throw new ArgumentOutOfRangeException(nameof(tag), tag, $"tag {tag} is negative; tags are 0 … {int.MaxValue}, or AnyTag");
    }
}
