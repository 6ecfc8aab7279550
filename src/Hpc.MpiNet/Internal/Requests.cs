using System.Runtime.ExceptionServices;

namespace MPI.Internal;

/// <summary>A send: one Hpc request (for a serialized value, its header; the payload follows in the background).</summary>
internal sealed class SendRequest(Hpc.Request request, int dest, int tag, int count, bool serialized) : Request
{
    private CompletedStatus? _status;

    public override CompletedStatus Wait()
    {
        if (_status is null)
        {
            Hpc.Status status = Run(request.Wait);
            _status = new CompletedStatus(dest, tag, status.ByteCount, count, serialized);
        }
        return _status;
    }

    public override CompletedStatus? Test()
    {
        if (_status is null && Run(() => request.Test(out _)))
            return Wait();
        return _status;
    }

    public override void Cancel() { }

    internal override Hpc.Request? Pending => request.IsCompleted ? null : request;

    private static TResult Run<TResult>(Func<TResult> call)
    {
        try
        {
            return call();
        }
        catch (Exception e)
        {
            ExceptionDispatchInfo.Throw(Errors.Translate(e));
            throw;
        }
    }
}

/// <summary>
/// Receives share one shape: a chain of Hpc requests (one for raw data; header then maybe payload
/// for a serialized value), a final step that produces the value, and cancellation of an
/// unmatched first stage.
/// </summary>
internal abstract class ReceiveRequestBase(HpcComm comm) : ReceiveRequest
{
    private readonly object _lock = new();
    private volatile CompletedStatus? _status;
    private volatile Exception? _error;
    private volatile Hpc.Request _current = null!;

    /// <summary>The request of the current stage.</summary>
    protected Hpc.Request Current
    {
        get => _current;
        set => _current = value;
    }

    public override CompletedStatus Wait() => Progress(blocking: true)!;

    public override CompletedStatus? Test() => Progress(blocking: false);

    // Runs the stages in order: Wait blocks on each; Test takes only those already complete and
    // returns null at the first that is not. A cancellation or error ends the chain either way.
    private CompletedStatus? Progress(bool blocking)
    {
        lock (_lock)
        {
            while (_status is null && _error is null)
            {
                try
                {
                    Hpc.Status status;
                    if (blocking)
                        status = Current.Wait();
                    else if (!Current.Test(out status))
                        return null;
                    Advance(status);
                }
                catch (OperationCanceledException)
                {
                    _status = CompletedStatus.CancelledStatus();
                }
                catch (Exception e)
                {
                    _error = Errors.Translate(e);
                }
            }
            return Result();
        }
    }

    public override void Cancel()
    {
        lock (_lock)
        {
            if (_status is null && _error is null && IsFirstStage && HpcInternals.TryCancelReceive(comm, Current))
                _status = CompletedStatus.CancelledStatus();
        }
    }

    // Lock-free, so a RequestList can look while another thread waits on this request.
    internal override Hpc.Request? Pending => _status is null && _error is null ? _current : null;

    /// <summary>True while the first stage (the only cancellable one) is in flight.</summary>
    protected virtual bool IsFirstStage => true;

    /// <summary>
    /// Called with the status of the completed current stage: either starts the next stage (sets
    /// <see cref="Current"/> and returns null) or finishes and returns the final status.
    /// </summary>
    protected abstract CompletedStatus? Step(Hpc.Status status);

    private void Advance(Hpc.Status status) => _status = Step(status);

    private CompletedStatus Result()
    {
        if (_error is not null)
            ExceptionDispatchInfo.Throw(_error);
        return _status!;
    }
}

/// <summary>Receive of one unmanaged value.</summary>
internal sealed class ValueReceiveRequest<T> : ReceiveRequestBase
{
    private readonly T[] _buffer = new T[1];
    private readonly Action<T>? _action;
    private bool _done;

    public ValueReceiveRequest(HpcComm comm, int source, int tag, Action<T>? action) : base(comm)
    {
        _action = action;
        Current = Blittable<T>.Ops!.Irecv(comm, _buffer, source, tag);
    }

    protected override CompletedStatus Step(Hpc.Status status)
    {
        _done = true;
        _action?.Invoke(_buffer[0]);
        return new CompletedStatus(status, 1, serialized: false);
    }

    public override object? GetValue() => _done ? _buffer[0] : default(T);
}

/// <summary>Receive of unmanaged data into the caller's array.</summary>
internal sealed class ArrayReceiveRequest<T> : ReceiveRequestBase
{
    private readonly T[] _values;

    public ArrayReceiveRequest(HpcComm comm, int source, int tag, T[] values) : base(comm)
    {
        _values = values;
        Current = Blittable<T>.Ops!.Irecv(comm, values, source, tag);
    }

    protected override CompletedStatus Step(Hpc.Status status) =>
        new(status, (int)(status.ByteCount / Blittable<T>.Ops!.SizeOf), serialized: false);

    public override object GetValue() => _values;
}

/// <summary>
/// Receive of a serialized value: the header (maybe with the bytes inline), then the payload from
/// the shadow communicator, then deserialization. With <c>into</c> set (an array receive), the
/// received array is copied into the caller's array.
/// </summary>
internal sealed class SerializedReceiveRequest<T> : ReceiveRequestBase
{
    private readonly Communicator _owner;
    private readonly byte[] _header = new byte[SerializedChannel.HeaderCapacity];
    private readonly Action<T>? _action;
    private readonly Array? _into;
    private byte[]? _payload;
    private Hpc.Status _headerStatus;
    private bool _separatePayload;
    private object? _value;

    public SerializedReceiveRequest(Communicator owner, int source, int tag, Action<T>? action, Array? into) : base(owner.Comm)
    {
        _owner = owner;
        _action = action;
        _into = into;
        Current = owner.Channel.PostHeader(_header, source, tag);
    }

    protected override bool IsFirstStage => _payload is null;

    protected override CompletedStatus? Step(Hpc.Status status)
    {
        if (_payload is null)
        {
            _headerStatus = status;
            _payload = _owner.Channel.OpenHeader(_header, status, out Hpc.Request? payload);
            if (payload is not null)
            {
                _separatePayload = true;
                Current = payload;
                return null;
            }
        }
        // From MPI_PROC_NULL nothing arrives: the value is the default, as MPI.NET's receive leaves it.
        T value = _headerStatus.Source == Hpc.Communicator.ProcNull
            ? default!
            : Codec.Deserialize<T>(_owner.Serialization, _payload, _headerStatus.Source, _headerStatus.Tag);
        int count = _headerStatus.Source == Hpc.Communicator.ProcNull ? 0 : 1;
        if (_into is not null && value is Array received)
        {
            if (received.Length > _into.Length)
            {
                throw new MessageTruncatedException(
                    $"message from rank {_headerStatus.Source} (tag {_headerStatus.Tag}) holds {received.Length} elements but the receive array holds {_into.Length}");
            }
            Array.Copy(received, _into, received.Length);
            count = received.Length;
            _value = _into;
        }
        else
        {
            _value = value;
        }
        _action?.Invoke(value);
        return new CompletedStatus(_headerStatus.Source, _headerStatus.Tag, _headerStatus.ByteCount + (_separatePayload ? _payload!.Length : 0), count, serialized: true);
    }

    public override object? GetValue() => _value;
}
