using System.Runtime.InteropServices;
using Hpc.Diagnostics;
using Hpc.Collectives;
using Hpc.Messaging;

namespace Hpc;

/// <summary>
/// A group of ranks that talk to each other (MPI_Comm): point-to-point messages addressed by
/// rank and tag, and collectives over all members. All members see the same <see cref="Size"/>;
/// each has its own <see cref="Rank"/>. Every method is safe to call from several threads at
/// once (MPI_THREAD_MULTIPLE); collectives must still be called in the same order on every rank.
/// </summary>
/// <remarks>
/// Data is any unmanaged element type (int, double, a struct of them): it travels as its raw
/// bytes, so sender and receiver must agree on the type.
/// </remarks>
public sealed unsafe partial class Communicator : IDisposable
{
    /// <summary>Receive from any sender (MPI_ANY_SOURCE).</summary>
    public const int AnySource = -1;

    /// <summary>Receive with any tag (MPI_ANY_TAG).</summary>
    public const int AnyTag = -1;

    /// <summary>
    /// The null process (MPI_PROC_NULL): a send to it or a receive from it completes at once and
    /// moves nothing; a receive reports source <see cref="ProcNull"/>, tag <see cref="AnyTag"/> and
    /// count 0. <c>Shift</c> on a Cartesian topology returns it past a non-periodic edge.
    /// </summary>
    public const int ProcNull = -2;

    private readonly int[] _worldRanks;
    private bool _disposed;

    /// <param name="runtime">The rank's runtime.</param>
    /// <param name="context">The first of the <see cref="RankRuntime.ContextsPerCommunicator"/> context ids the communicator owns.</param>
    /// <param name="worldRanks">World rank of each member, by rank here.</param>
    /// <param name="rank">This rank here.</param>
    /// <param name="name">For messages.</param>
    /// <param name="hierarchyPart">
    /// The host or leader part of a node-aware algorithm (<see cref="Collectives.Hierarchical.NodeHierarchy"/>):
    /// it never runs node-aware itself, and <paramref name="hostArea"/> is its shared area.
    /// </param>
    /// <param name="hostArea">Shared buffers of a host part; null for every other communicator.</param>
    internal Communicator(RankRuntime runtime, int context, int[] worldRanks, int rank, string name, bool hierarchyPart = false,
        Collectives.SharedMemory.SharedCollectiveArea? hostArea = null)
    {
        Runtime = runtime;
        Context = context;
        _worldRanks = worldRanks;
        Rank = rank;
        Name = name;
        Collective = new CollectiveContext(this);
        // Only the world has a shared collective area (Collectives/SharedMemory), and only
        // when all of its ranks share one host's memory; or, when the world spans hosts, the
        // world's host part.
        SharedArea = hierarchyPart ? hostArea : context == RankRuntime.WorldContext ? runtime.WorldSharedArea : null;
        Topology = CollectiveTopology.Of(worldRanks, runtime.Hosts, SharedArea is not null, hierarchyAllowed: !hierarchyPart);
        runtime.Calls.Register(this);
    }

    /// <summary>This process's rank in the communicator, 0 … <see cref="Size"/> − 1.</summary>
    public int Rank { get; }

    /// <summary>Number of ranks in the communicator.</summary>
    public int Size => _worldRanks.Length;

    /// <summary>A name for messages and diagnostics ("world", "self", "split of world", …).</summary>
    public string Name { get; }

    internal RankRuntime Runtime { get; }
    internal int Context { get; }
    internal CollectiveContext Collective { get; }

    /// <summary>The shared buffers the shared-memory algorithms run on; null where there are none.</summary>
    internal Collectives.SharedMemory.SharedCollectiveArea? SharedArea { get; }

    /// <summary>Ranks, hosts and shared area: which algorithm families this communicator can use, worked out once here.</summary>
    internal CollectiveTopology Topology { get; }

    /// <summary>World rank of the member with rank <paramref name="rank"/> here.</summary>
    internal int WorldRankOf(int rank) => _worldRanks[rank];

    internal ReadOnlySpan<int> WorldRanks => _worldRanks;

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

    // ------------------------------------------------------------------ misc

    /// <summary>Ends the whole job, every rank, with exit code <paramref name="errorCode"/> (MPI_Abort).</summary>
    public void Abort(int errorCode, string reason = "")
    {
        Runtime.Abort(errorCode, reason.Length == 0 ? $"Abort({errorCode}) on {Name}" : reason);
    }

    /// <summary>
    /// Releases the communicator (MPI_Comm_free): it cannot be used afterwards. Disposing the
    /// world or self communicator does nothing: they belong to the session, which releases them
    /// when it is disposed (MPI_Finalize), so a <c>using</c> on <c>session.World</c> is harmless
    /// and the finalizing barrier still runs. Attributes' delete callbacks run first.
    /// </summary>
    public void Dispose()
    {
        if (IsPredefined || _disposed)
            return;
        DeleteAllAttributes();
        _disposed = true;
    }

    /// <summary>The world or self communicator (MPI_COMM_WORLD, MPI_COMM_SELF), owned by the session.</summary>
    private bool IsPredefined => Context is RankRuntime.WorldContext or RankRuntime.SelfContext;

    internal bool IsDisposed => _disposed;

    /// <inheritdoc />
    public override string ToString() => $"{Name} (rank {Rank} of {Size})";

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
