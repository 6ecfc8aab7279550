using System.Threading.Channels;
using Hpc.Tasks.Wire;

namespace Hpc.Tasks;

/// <summary>
/// One call on the client (a Map, a Starmap, a MapUnordered, or the open stream of a function's Submits): its arguments, the
/// chunks not yet handed out, and where results go. Chunks are taken under the pool's lock;
/// results are stored by the thread that receives them, into disjoint slots, without the lock.
/// </summary>
internal abstract class PoolJob(int id, TaskFunction function, int count, int chunkSize, IProgress<TaskPoolProgress>? progress)
{
    private int _next;
    private int _completed;
    private int _finished;

    public int Id { get; } = id;

    public TaskFunction Function { get; } = function;

    public int Count { get; } = count;

    /// <summary>Unregisters the cancellation callback once the job is over.</summary>
    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>Completed, failed or cancelled: no more chunks go out and late results are dropped.</summary>
    public bool IsFinished => Volatile.Read(ref _finished) != 0;

    public virtual bool HasChunks => _next < Count && !IsFinished;

    /// <summary>The next chunk; call under the pool's lock, only while <see cref="HasChunks"/>.</summary>
    /// <param name="workers">Workers of the pool (for jobs that size their chunks by the queue).</param>
    public virtual InFlightChunk TakeChunk(int workers)
    {
        int first = _next;
        int count = Math.Min(chunkSize, Count - first);
        _next = first + count;
        return new InFlightChunk(this, first, count, null);
    }

    public abstract void WriteArguments(in InFlightChunk chunk, WireBuffer buffer, List<OutOfLineBody> bodies);

    /// <summary>Decodes a Results message (all of it, bodies included, even when the job is over).</summary>
    public abstract void ReadResults(in InFlightChunk chunk, in ResultHeader header, ref WireReader reader, IBodySource bodies, int rank);

    /// <summary>Runs a chunk in this process (a communicator of one rank has no workers).</summary>
    public abstract void RunLocally(in InFlightChunk chunk, int rank);

    /// <summary>The tasks of <paramref name="chunk"/> cannot finish (their worker was lost).</summary>
    public virtual void FailChunk(in InFlightChunk chunk, Exception error) => Fail(error);

    public virtual void Fail(Exception error)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            Registration.Dispose();
            OnFailed(error);
        }
    }

    public void Cancel(CancellationToken token)
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
            OnFailed(new OperationCanceledException("the task pool call was cancelled; its queued tasks were dropped", token));
    }

    protected abstract void OnFailed(Exception error);

    protected abstract void OnCompleted();

    /// <summary>Counts finished tasks, reports progress, and completes the job after its last.</summary>
    protected void ChunkDone(int count)
    {
        int completed = Interlocked.Add(ref _completed, count);
        progress?.Report(new TaskPoolProgress(completed, Count));
        if (completed == Count && Interlocked.Exchange(ref _finished, 1) == 0)
        {
            Registration.Dispose();
            OnCompleted();
        }
    }

    /// <summary>A job of no tasks completes at once.</summary>
    public void CompleteEmpty()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
            OnCompleted();
    }

    /// <summary>Reads an error entry: the task's offset in its chunk, then type, message and stack text.</summary>
    internal static RemoteTaskException ReadError(ref WireReader reader, int first, int rank, out int offset)
    {
        offset = reader.Read<int>();
        int index = first + offset;
        string type = ReadString(ref reader);
        string message = ReadString(ref reader);
        string stack = ReadString(ref reader);
        return new RemoteTaskException(rank, index, type, message, stack);
    }

    private static string ReadString(ref WireReader reader) => Encoding.UTF8.GetString(reader.ReadBytes(reader.Read<int>()));

    internal static RemoteTaskException LocalError(Exception e, int index, int rank) =>
        new(rank, index, e.GetType().FullName ?? e.GetType().Name, e.Message, e.StackTrace ?? "");
}

internal enum JobMode
{
    /// <summary>Map and Starmap: results in the order of the arguments.</summary>
    Ordered,

    /// <summary>MapUnordered: each result as it arrives.</summary>
    Unordered,

}

/// <summary>A job whose tasks take a <typeparamref name="TArg"/> and return a <typeparamref name="TResult"/>.</summary>
internal sealed class PoolJob<TArg, TResult> : PoolJob
{
    private static readonly TaskCodec<TArg> Arguments = TaskCodec<TArg>.Instance;
    private static readonly TaskCodec<TResult> Results = TaskCodec<TResult>.Instance;

    private readonly TArg[] _args;
    private readonly Func<TArg, TResult> _local;
    private readonly JobMode _mode;
    private readonly TResult[]? _results;
    private readonly TaskCompletionSource<TResult[]>? _ordered;
    private readonly Channel<Outcome>? _unordered;
    // The failure of the lowest index, which an ordered call throws once all tasks are done.
    private RemoteTaskException? _firstError;

    public PoolJob(int id, TaskFunction function, TArg[] args, Func<TArg, TResult> local, int chunkSize, JobMode mode,
        IProgress<TaskPoolProgress>? progress)
        : base(id, function, args.Length, chunkSize, progress)
    {
        _args = args;
        _local = local;
        _mode = mode;
        switch (mode)
        {
            case JobMode.Ordered:
                _results = new TResult[args.Length];
                _ordered = new TaskCompletionSource<TResult[]>(TaskCreationOptions.RunContinuationsAsynchronously);
                break;
            default:
                _unordered = Channel.CreateUnbounded<Outcome>(new UnboundedChannelOptions { SingleReader = true });
                break;
        }
    }

    /// <summary>One result of a MapUnordered, or the error of its task.</summary>
    public readonly record struct Outcome(int Index, TResult Value, Exception? Error);

    public Task<TResult[]> OrderedTask => _ordered!.Task;

    public ChannelReader<Outcome> UnorderedResults => _unordered!.Reader;

    public override void WriteArguments(in InFlightChunk chunk, WireBuffer buffer, List<OutOfLineBody> bodies)
    {
        int first = (int)chunk.First;
        int count = chunk.Count;
        if (Arguments.IsFixed)
        {
            buffer.WriteBytes(RawBytes.Of<TArg>(_args.AsSpan(first, count)));
            return;
        }
        for (int i = first; i < first + count; i++)
            Arguments.Write(_args[i], buffer, bodies);
    }

    public override void ReadResults(in InFlightChunk chunk, in ResultHeader header, ref WireReader reader, IBodySource bodies, int rank)
    {
        int first = (int)header.First;
        int count = header.Count;
        if (header.Kind == MessageKind.Cancelled)
            return;
        if (Results.IsFixed && _mode == JobMode.Ordered)
        {
            // The hot path of Map: one copy of the chunk's results into place.
            ReadOnlySpan<byte> bytes = reader.ReadBytes(count * System.Runtime.CompilerServices.Unsafe.SizeOf<TResult>());
            if (!IsFinished)
                bytes.CopyTo(RawBytes.Of<TResult>(_results.AsSpan(first, count)));
        }
        else if (header.Errors == 0)
        {
            for (int i = 0; i < count; i++)
                Deliver(first + i, Results.Read(ref reader, bodies));
        }
        else
        {
            // Rare: hold the values until the errors are read, so a failed task yields its error.
            var values = new TResult[count];
            for (int i = 0; i < count; i++)
                values[i] = Results.Read(ref reader, bodies);
            var failed = new HashSet<int>();
            for (int e = 0; e < header.Errors; e++)
            {
                RemoteTaskException error = ReadError(ref reader, first, rank, out int offset);
                failed.Add(first + offset);
                DeliverError(first + offset, error);
            }
            for (int i = 0; i < count; i++)
            {
                if (!failed.Contains(first + i))
                    Deliver(first + i, values[i]);
            }
            ChunkDoneUnlessFinished(count);
            return;
        }
        for (int e = 0; e < header.Errors; e++)
        {
            RemoteTaskException error = ReadError(ref reader, first, rank, out int offset);
            DeliverError(first + offset, error);
        }
        ChunkDoneUnlessFinished(count);
    }

    private void ChunkDoneUnlessFinished(int count)
    {
        if (!IsFinished)
            ChunkDone(count);
    }

    public override void RunLocally(in InFlightChunk chunk, int rank)
    {
        int first = (int)chunk.First;
        int count = chunk.Count;
        for (int i = first; i < first + count && !IsFinished; i++)
        {
            TResult value;
            try
            {
                value = _local(_args[i]);
            }
            catch (Exception e)
            {
                DeliverError(i, LocalError(e, i, rank));
                continue;
            }
            Deliver(i, value);
        }
        if (!IsFinished)
            ChunkDone(count);
    }

    // ------------------------------------------------------------------ delivery

    private void Deliver(int index, TResult value)
    {
        if (IsFinished)
            return;
        switch (_mode)
        {
            case JobMode.Ordered:
                _results![index] = value;
                break;
            default:
                _unordered!.Writer.TryWrite(new Outcome(index, value, null));
                break;
        }
    }

    private void DeliverError(int index, RemoteTaskException error)
    {
        if (IsFinished)
            return;
        switch (_mode)
        {
            case JobMode.Ordered:
                lock (_results!)
                {
                    if (_firstError is null || index < _firstError.TaskIndex)
                        _firstError = error;
                }
                break;
            default:
                _unordered!.Writer.TryWrite(new Outcome(index, default!, error));
                break;
        }
    }

    protected override void OnCompleted()
    {
        switch (_mode)
        {
            case JobMode.Ordered:
                if (_firstError is not null)
                    _ordered!.TrySetException(_firstError);
                else
                    _ordered!.TrySetResult(_results!);
                break;
            default:
                _unordered!.Writer.TryComplete();
                break;
        }
    }

    protected override void OnFailed(Exception error)
    {
        if (error is OperationCanceledException canceled)
        {
            _ordered?.TrySetCanceled(canceled.CancellationToken);
        }
        else
        {
            _ordered?.TrySetException(error);
        }
        _unordered?.Writer.TryComplete(error);
    }
}
