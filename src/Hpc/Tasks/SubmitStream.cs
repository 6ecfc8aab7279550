using Hpc.Tasks.Wire;

namespace Hpc.Tasks;

/// <summary>
/// The Submits of one function, queued on the client as one open job. Each Submit is its own
/// task with its own Task&lt;TResult&gt;, but a worker is sent several queued ones in one message
/// when many wait: a chunk takes queued / (4 × workers × ChunksPerWorker) of them (at least 1,
/// at most 1024), so a burst of small Submits costs one message per batch, while a few long ones
/// (fewer than that divisor queued) still go one per message and balance as well as one by one.
/// </summary>
internal sealed class SubmitStream<TArg, TResult>(int id, TaskFunction function, Func<TArg, TResult> local, int chunksPerWorker)
    : PoolJob(id, function, 0, 1, null)
{
    private const int MaxBatch = 1024;

    private static readonly TaskCodec<TArg> Arguments = TaskCodec<TArg>.Instance;
    private static readonly TaskCodec<TResult> Results = TaskCodec<TResult>.Instance;

    private readonly Queue<Entry> _queued = new();
    private long _taken;

    /// <summary>One Submit: its argument and its result's completion.</summary>
    private sealed class Entry(TArg argument)
    {
        public TArg Argument { get; } = argument;

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public void SetResult(TResult value)
        {
            if (Completion.TrySetResult(value))
                Registration.Dispose();
        }

        public void SetError(Exception error)
        {
            if (error is OperationCanceledException canceled ? Completion.TrySetCanceled(canceled.CancellationToken) : Completion.TrySetException(error))
                Registration.Dispose();
        }
    }

    public override bool HasChunks => _queued.Count > 0;

    /// <summary>Queues one task; under the pool's lock.</summary>
    public Task<TResult> Add(TArg argument, CancellationToken cancellationToken)
    {
        var entry = new Entry(argument);
        if (cancellationToken.CanBeCanceled)
        {
            // A cancelled entry still queued is skipped when its chunk is taken; one already sent runs, its result dropped.
            entry.Registration = cancellationToken.Register(static state =>
            {
                var (e, token) = ((Entry, CancellationToken))state!;
                e.Completion.TrySetCanceled(token);
            }, (entry, cancellationToken));
        }
        _queued.Enqueue(entry);
        return entry.Completion.Task;
    }

    public override InFlightChunk TakeChunk(int workers)
    {
        while (_queued.Count > 0 && _queued.Peek().Completion.Task.IsCompleted)
            _queued.Dequeue();
        int batch = Math.Clamp(_queued.Count / (4 * Math.Max(1, workers) * chunksPerWorker), 1, MaxBatch);
        batch = Math.Min(batch, _queued.Count);
        var entries = new Entry[batch];
        for (int i = 0; i < batch; i++)
            entries[i] = _queued.Dequeue();
        var chunk = new InFlightChunk(this, _taken, batch, entries);
        _taken += batch;
        return chunk;
    }

    public override void WriteArguments(in InFlightChunk chunk, WireBuffer buffer, List<OutOfLineBody> bodies)
    {
        foreach (Entry entry in (Entry[])chunk.State!)
            Arguments.Write(entry.Argument, buffer, bodies);
    }

    public override void ReadResults(in InFlightChunk chunk, in ResultHeader header, ref WireReader reader, IBodySource bodies, int rank)
    {
        var entries = (Entry[])chunk.State!;
        if (header.Kind == MessageKind.Cancelled)
        {
            foreach (Entry entry in entries)
                entry.SetError(new OperationCanceledException("the task pool was told to drop this task"));
            return;
        }
        var values = new TResult[entries.Length];
        for (int i = 0; i < entries.Length; i++)
            values[i] = Results.Read(ref reader, bodies);
        // Errors first: an entry that failed must not be completed with the default value.
        for (int e = 0; e < header.Errors; e++)
        {
            RemoteTaskException error = ReadError(ref reader, 0, rank, out int offset);
            entries[offset].SetError(error);
        }
        for (int i = 0; i < entries.Length; i++)
            entries[i].SetResult(values[i]);
    }

    public override void RunLocally(in InFlightChunk chunk, int rank)
    {
        foreach (Entry entry in (Entry[])chunk.State!)
        {
            if (entry.Completion.Task.IsCompleted)
                continue;
            try
            {
                entry.SetResult(local(entry.Argument));
            }
            catch (Exception e)
            {
                entry.SetError(LocalError(e, 0, rank));
            }
        }
    }

    public override void FailChunk(in InFlightChunk chunk, Exception error)
    {
        foreach (Entry entry in (Entry[])chunk.State!)
            entry.SetError(error);
    }

    public override void Fail(Exception error)
    {
        while (_queued.Count > 0)
            _queued.Dequeue().SetError(error);
    }

    protected override void OnFailed(Exception error)
    {
    }

    protected override void OnCompleted()
    {
    }
}
