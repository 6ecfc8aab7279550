using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hpc.Tasks.Wire;

namespace Hpc.Tasks;

/// <summary>
/// A pool executor over the ranks of a communicator (mpi4py.futures.MPICommExecutor,
/// ProcessPoolExecutor): one rank, the client, hands out tasks; every other rank serves them.
/// <code>
/// using TaskPool? pool = TaskPool.Create(world);      // collective; workers serve inside
/// if (pool is not null)                                // only the client gets a pool
/// {
///     double[] squares = pool.Map(Square, inputs);     // static double Square(double x)
///     Task&lt;int&gt; one = pool.Submit(Count, "file.txt");
/// }
/// </code>
/// </summary>
/// <remarks>
/// <para>A task is a static method (or a lambda that captures nothing) that every rank resolves
/// in its own copy of the program; only its identity travels. Arguments and results of unmanaged
/// types, and arrays of them, travel as raw bytes (large arrays straight from and into the
/// arrays); other types as System.Text.Json, as in the MPI.NET layer.</para>
/// <para>Scheduling is dynamic: a chunk goes to the worker holding the fewest, so uneven tasks
/// balance. A task that throws fails only itself (<see cref="RemoteTaskException"/>, naming the
/// rank). The pool runs on its own duplicate of the communicator, so its messages never meet the
/// user's. The client's methods may be called from any thread.</para>
/// </remarks>
public sealed class TaskPool : IDisposable
{
    private readonly Communicator _comm;
    private readonly TaskPoolOptions _options;
    private readonly object _gate = new();
    private readonly Queue<PoolJob> _pending = new();
    private readonly WorkerLink[] _workers;
    private readonly Dictionary<MethodInfo, (TaskFunction Function, object? Target)> _functions = [];
    private readonly Dictionary<int, PoolJob> _streams = [];
    private readonly Thread? _receiver;
    private int _inFlight;
    private int _localRunning;
    private int _nextJob;
    private int _nextFunction;
    private int _rotor;
    private Exception? _broken;
    private bool _disposed;

    private TaskPool(Communicator communicator, TaskPoolOptions options)
    {
        _comm = communicator;
        _options = options;
        _workers = [.. Enumerable.Range(0, communicator.Size).Where(r => r != communicator.Rank)
            .Select(r => new WorkerLink(r, options.ChunksPerWorker))];
        if (_workers.Length > 0)
        {
            _receiver = new Thread(ReceiveResults) { IsBackground = true, Name = $"task pool client (rank {communicator.Rank})" };
            _receiver.Start();
        }
    }

    /// <summary>
    /// Starts a pool on <paramref name="communicator"/>; collective. On the client rank it returns
    /// the pool at once. On every other rank it serves tasks until the client disposes the pool,
    /// then returns null, so <c>using var pool = TaskPool.Create(world); if (pool is not null) …</c>
    /// runs the client's code on the client only (mpi4py's <c>with MPICommExecutor(comm) as executor: if executor is not None</c>).
    /// </summary>
    /// <param name="communicator">The ranks of the pool; every one of them must call this.</param>
    /// <param name="clientRank">The rank that submits tasks (default 0).</param>
    /// <param name="options">Pool settings; equal on every rank.</param>
    /// <remarks>On a communicator of one rank there are no workers: tasks run on <see cref="TaskPoolOptions.LocalThreads"/> threads of the client.</remarks>
    public static TaskPool? Create(Communicator communicator, int clientRank = 0, TaskPoolOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        options ??= new TaskPoolOptions();
        options.Validate();
        if ((uint)clientRank >= (uint)communicator.Size)
            throw new ArgumentOutOfRangeException(nameof(clientRank), clientRank,
                $"TaskPool.Create: clientRank must be a rank of {communicator.Name}, 0 … {communicator.Size - 1}.");
        Communicator own = communicator.Dup();
        if (own.Rank == clientRank)
            return new TaskPool(own, options);
        try
        {
            PoolWorker.Serve(own, clientRank);
        }
        finally
        {
            own.Dispose();
        }
        return null;
    }

    /// <summary>Ranks that run tasks (the communicator's size − 1; 0 on a communicator of one rank).</summary>
    public int WorkerCount => _workers.Length;

    // ------------------------------------------------------------------ Map and Starmap

    /// <summary>
    /// Runs <paramref name="function"/> on every item and returns the results in the order of the
    /// items (Pool.map, Executor.map). Blocks until all tasks are done.
    /// </summary>
    /// <param name="function">A static method or a lambda that captures nothing.</param>
    /// <param name="items">The arguments; materialized on the client.</param>
    /// <param name="chunkSize">Tasks sent together; 0 picks Pool.map's default (items / (4 × workers), rounded up).
    /// Use 1 for long, uneven tasks.</param>
    /// <param name="progress">Told after every chunk how many tasks are done.</param>
    /// <param name="cancellationToken">Drops the tasks not yet started and tells the workers.</param>
    /// <exception cref="RemoteTaskException">A task threw (the one of the lowest index; the others ran to the end).</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled.</exception>
    public TResult[] Map<TArg, TResult>(Func<TArg, TResult> function, IEnumerable<TArg> items, int chunkSize = 0,
        IProgress<TaskPoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        MapAsync(function, items, chunkSize, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>The non-blocking form of <see cref="Map{TArg, TResult}"/>.</summary>
    public Task<TResult[]> MapAsync<TArg, TResult>(Func<TArg, TResult> function, IEnumerable<TArg> items, int chunkSize = 0,
        IProgress<TaskPoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Start(function, function, Materialize(items), chunkSize, JobMode.Ordered, progress, cancellationToken, "Map").OrderedTask;

    /// <summary>Runs a two-argument function on every pair, results in order (Pool.starmap).</summary>
    /// <inheritdoc cref="Map{TArg, TResult}" path="/param"/>
    public TResult[] Starmap<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<(T1, T2)> items, int chunkSize = 0,
        IProgress<TaskPoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        StarmapAsync(function, items, chunkSize, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>The non-blocking form of <see cref="Starmap{T1, T2, TResult}"/>.</summary>
    /// <inheritdoc cref="Map{TArg, TResult}" path="/param"/>
    public Task<TResult[]> StarmapAsync<T1, T2, TResult>(Func<T1, T2, TResult> function, IEnumerable<(T1, T2)> items, int chunkSize = 0,
        IProgress<TaskPoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Start(function, TaskShapes.Pair(function), Materialize(items), chunkSize, JobMode.Ordered, progress, cancellationToken, "Starmap").OrderedTask;

    /// <summary>Runs a three-argument function on every triple, results in order (Pool.starmap).</summary>
    /// <inheritdoc cref="Map{TArg, TResult}" path="/param"/>
    public TResult[] Starmap<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, IEnumerable<(T1, T2, T3)> items, int chunkSize = 0,
        IProgress<TaskPoolProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Start(function, TaskShapes.Triple(function), Materialize(items), chunkSize, JobMode.Ordered, progress, cancellationToken, "Starmap")
            .OrderedTask.GetAwaiter().GetResult();

    /// <summary>
    /// Runs <paramref name="function"/> on every item and yields each result as soon as it is back,
    /// with the index of its item (Pool.imap_unordered, concurrent.futures.as_completed).
    /// </summary>
    /// <inheritdoc cref="Map{TArg, TResult}" path="/param"/>
    /// <exception cref="RemoteTaskException">Thrown by the enumeration when it reaches a task that threw.</exception>
    public async IAsyncEnumerable<(int Index, TResult Result)> MapUnordered<TArg, TResult>(Func<TArg, TResult> function, IEnumerable<TArg> items,
        int chunkSize = 0, IProgress<TaskPoolProgress>? progress = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        PoolJob<TArg, TResult> job = Start(function, function, Materialize(items), chunkSize, JobMode.Unordered, progress, cancellationToken, "MapUnordered");
        await foreach (PoolJob<TArg, TResult>.Outcome outcome in job.UnorderedResults.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (outcome.Error is not null)
                throw outcome.Error;
            yield return (outcome.Index, outcome.Value);
        }
    }

    // ------------------------------------------------------------------ Submit

    /// <summary>Schedules one task and returns its result's task (Executor.submit, apply_async, Ray's f.remote(x)).</summary>
    /// <param name="function">A static method or a lambda that captures nothing.</param>
    /// <param name="argument">Its argument.</param>
    /// <param name="cancellationToken">Cancels the task if it has not started; a started task runs to its end, its result dropped.</param>
    public Task<TResult> Submit<TArg, TResult>(Func<TArg, TResult> function, TArg argument, CancellationToken cancellationToken = default) =>
        Enqueue(function, function, argument, cancellationToken);

    /// <summary>Schedules one task of two arguments.</summary>
    /// <param name="function">A static method or a lambda that captures nothing.</param>
    /// <param name="cancellationToken">Cancels the task if it has not started.</param>
    /// <param name="first">The first argument.</param>
    /// <param name="second">The second argument.</param>
    public Task<TResult> Submit<T1, T2, TResult>(Func<T1, T2, TResult> function, T1 first, T2 second, CancellationToken cancellationToken = default) =>
        Enqueue(function, TaskShapes.Pair(function), (first, second), cancellationToken);

    /// <summary>Schedules one task of three arguments.</summary>
    /// <param name="function">A static method or a lambda that captures nothing.</param>
    /// <param name="cancellationToken">Cancels the task if it has not started.</param>
    /// <param name="first">The first argument.</param>
    /// <param name="second">The second argument.</param>
    /// <param name="third">The third argument.</param>
    public Task<TResult> Submit<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> function, T1 first, T2 second, T3 third,
        CancellationToken cancellationToken = default) =>
        Enqueue(function, TaskShapes.Triple(function), (first, second, third), cancellationToken);

    /// <summary>Schedules one task without arguments.</summary>
    /// <inheritdoc cref="Submit{TArg, TResult}(Func{TArg, TResult}, TArg, CancellationToken)" path="/param"/>
    public Task<TResult> Submit<TResult>(Func<TResult> function, CancellationToken cancellationToken = default) =>
        Enqueue(function, TaskShapes.None(function), (byte)0, cancellationToken);

    // ------------------------------------------------------------------ shutdown

    /// <summary>
    /// Waits for every task already submitted, then tells the workers to stop (their
    /// <see cref="Create"/> returns) and frees the pool's communicator
    /// (Executor.shutdown(wait=True)). Only the client has a pool to dispose.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            while (_broken is null)
            {
                Dispatch();
                if (_pending.Count == 0 && _inFlight == 0)
                    break;
                Monitor.Wait(_gate);
            }
        }
        if (_receiver is not null)
        {
            if (_broken is null)
            {
                var shutdown = new ChunkHeader { Kind = MessageKind.Shutdown };
                foreach (WorkerLink worker in _workers)
                    _comm.Send(MemoryMarshal.AsBytes(new ReadOnlySpan<ChunkHeader>(in shutdown)), worker.Rank, PoolTags.Task);
            }
            _receiver.Join();
        }
        _comm.Dispose();
    }

    // ------------------------------------------------------------------ the client's machinery

    private static T[] Materialize<T>(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items as T[] ?? [.. items];
    }

    private PoolJob<TArg, TResult> Start<TArg, TResult>(Delegate function, Func<TArg, TResult> local, TArg[] args, int chunkSize, JobMode mode,
        IProgress<TaskPoolProgress>? progress, CancellationToken cancellationToken, string call)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (chunkSize < 0)
            throw new ArgumentOutOfRangeException(nameof(chunkSize), chunkSize, $"TaskPool.{call}: chunkSize must be 1 or more, or 0 for the automatic size.");
        PoolJob<TArg, TResult> job;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_broken is not null)
                throw new TaskPoolException($"TaskPool.{call}: the pool is broken: {_broken.Message}", _broken);
            TaskFunction described = FunctionFor(function, call);
            CheckSignature<TArg, TResult>(described, call);
            int chunk = chunkSize > 0 ? chunkSize : DefaultChunkSize(args.Length);
            job = new PoolJob<TArg, TResult>(_nextJob++, described, args, local, chunk, mode, progress);
            if (cancellationToken.IsCancellationRequested)
            {
                job.Cancel(cancellationToken);
                return job;
            }
            if (args.Length == 0)
            {
                job.CompleteEmpty();
                return job;
            }
            _pending.Enqueue(job);
            Dispatch();
        }
        if (cancellationToken.CanBeCanceled)
            job.Registration = cancellationToken.Register(() => CancelJob(job, cancellationToken));
        return job;
    }

    /// <summary>Adds one Submit to its function's stream (created on first use, queued again whenever it has tasks waiting).</summary>
    private Task<TResult> Enqueue<TArg, TResult>(Delegate function, Func<TArg, TResult> local, TArg argument, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_broken is not null)
                throw new TaskPoolException($"TaskPool.Submit: the pool is broken: {_broken.Message}", _broken);
            TaskFunction described = FunctionFor(function, "Submit");
            CheckSignature<TArg, TResult>(described, "Submit");
            if (!_streams.TryGetValue(described.Id, out PoolJob? open))
            {
                open = new SubmitStream<TArg, TResult>(_nextJob++, described, local, _options.ChunksPerWorker);
                _streams.Add(described.Id, open);
            }
            var stream = (SubmitStream<TArg, TResult>)open;
            if (cancellationToken.IsCancellationRequested)
                return Task.FromCanceled<TResult>(cancellationToken);
            bool wasIdle = !stream.HasChunks;
            Task<TResult> result = stream.Add(argument, cancellationToken);
            if (wasIdle)
                _pending.Enqueue(stream);
            Dispatch();
            return result;
        }
    }

    /// <summary>The delegate's types must be the method's own (no variance), since the workers decode by the method's signature.</summary>
    private static void CheckSignature<TArg, TResult>(TaskFunction function, string call)
    {
        MethodInfo method = function.Method;
        if (TaskShapes.ArgumentType(method) != typeof(TArg) || method.ReturnType != typeof(TResult))
            throw new ArgumentException(
                $"TaskPool.{call}: {method.Name} takes ({string.Join(", ", method.GetParameters().Select(p => Serialization.CSharpTypeNames.Of(p.ParameterType)))}) " +
                $"and returns {Serialization.CSharpTypeNames.Of(method.ReturnType)}, but the delegate passed is of other types; pass a delegate of the method's own types.", "function");
    }

    /// <summary>Pool.map's rule: about four chunks per worker, so dynamic scheduling has room to balance.</summary>
    private int DefaultChunkSize(int count)
    {
        int workers = Math.Max(1, _workers.Length > 0 ? _workers.Length : _options.LocalThreads);
        int chunk = count / (workers * 4);
        if (count % (workers * 4) != 0)
            chunk++;
        return Math.Max(1, chunk);
    }

    /// <summary>Checks a function once per method and target object, and gives it the pool's number.</summary>
    private TaskFunction FunctionFor(Delegate function, string call)
    {
        MethodInfo method = function.Method;
        object? target = function.Target;
        if (_functions.TryGetValue(method, out var known) && ReferenceEquals(known.Target, target) && function.HasSingleTarget)
            return known.Function;
        TaskFunction described = TaskFunction.Describe(function, _functions.TryGetValue(method, out known) ? known.Function.Id : _nextFunction++, call);
        _functions[method] = (described, target);
        return described;
    }

    /// <summary>Hands chunks to workers with room (the one holding fewest first); under the lock.</summary>
    private void Dispatch()
    {
        while (_pending.Count > 0 && _broken is null)
        {
            PoolJob job = _pending.Peek();
            if (!job.HasChunks)
            {
                _pending.Dequeue();
                continue;
            }
            if (_workers.Length == 0)
            {
                if (_localRunning >= _options.LocalThreads)
                    return;
                InFlightChunk local = job.TakeChunk(_options.LocalThreads);
                if (local.Count == 0)
                    continue;
                _localRunning++;
                _inFlight++;
                ThreadPool.UnsafeQueueUserWorkItem(_ => RunLocal(local), null);
                continue;
            }
            WorkerLink? worker = LeastLoadedWorker();
            if (worker is null)
                return;
            InFlightChunk chunk = job.TakeChunk(_workers.Length);
            if (chunk.Count == 0)
                continue;
            try
            {
                worker.SendChunk(_comm, chunk);
                _inFlight++;
            }
            catch (Exception e) when (e is NotSupportedException or ArgumentException)
            {
                // An argument the codec cannot write fails its call (or its Submits), not the pool.
                job.FailChunk(chunk, e);
            }
        }
    }

    private WorkerLink? LeastLoadedWorker()
    {
        WorkerLink? best = null;
        int n = _workers.Length;
        for (int i = 0; i < n; i++)
        {
            WorkerLink candidate = _workers[(_rotor + i) % n];
            if (candidate.InFlight < _options.ChunksPerWorker && (best is null || candidate.InFlight < best.InFlight))
                best = candidate;
        }
        _rotor = (_rotor + 1) % n;
        return best;
    }

    private void RunLocal(InFlightChunk chunk)
    {
        try
        {
            chunk.Job.RunLocally(chunk, _comm.Rank);
        }
        catch (Exception e)
        {
            chunk.Job.FailChunk(chunk, e);
        }
        lock (_gate)
        {
            _localRunning--;
            _inFlight--;
            Dispatch();
            Monitor.PulseAll(_gate);
        }
    }

    private void CancelJob(PoolJob job, CancellationToken token)
    {
        lock (_gate)
        {
            if (job.IsFinished)
                return;
            job.Cancel(token);
            foreach (WorkerLink worker in _workers)
            {
                if (worker.Holds(job) && _broken is null)
                    _comm.Isend(new[] { (int)MessageKind.Cancel, job.Id }, worker.Rank, PoolTags.Control);
            }
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The client's receiving thread: one Results message at a time, from whichever worker.</summary>
    private void ReceiveResults()
    {
        var buffer = new WireBuffer(64 << 10);
        var bodies = new ResultBodies(_comm);
        int byes = 0;
        try
        {
            while (byes < _workers.Length)
            {
                Status status = _comm.Probe(Communicator.AnySource, PoolTags.Result);
                Span<byte> message = buffer.Prepare(checked((int)status.ByteCount));
                _comm.Receive(message, status.Source, PoolTags.Result);
                ResultHeader header = MemoryMarshal.Read<ResultHeader>(message);
                if (header.Kind == MessageKind.Bye)
                {
                    byes++;
                    continue;
                }
                WorkerLink worker = WorkerAt(status.Source);
                InFlightChunk chunk;
                lock (_gate)
                    chunk = worker.Oldest;
                if (chunk.Job.Id != header.Job || chunk.First != header.First)
                    throw new HpcException($"task pool: rank {status.Source} answered job {header.Job} tasks from {header.First}, expected job {chunk.Job.Id} from {chunk.First}");
                bodies.Source = status.Source;
                var reader = new WireReader(buffer.Written[ResultHeader.Size..]);
                chunk.Job.ReadResults(chunk, header, ref reader, bodies, status.Source);
                lock (_gate)
                {
                    worker.PopOldest();
                    _inFlight--;
                    Dispatch();
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (Exception e)
        {
            Break(e);
        }
    }

    private WorkerLink WorkerAt(int rank) => _workers[rank < _comm.Rank ? rank : rank - 1];

    /// <summary>The pool cannot go on (a worker was lost, the job is going down): every call still open fails, naming the ranks that held its tasks.</summary>
    private void Break(Exception error)
    {
        lock (_gate)
        {
            _broken = error;
            foreach (WorkerLink worker in _workers)
            {
                foreach (InFlightChunk chunk in worker.InFlightChunks)
                {
                    chunk.Job.FailChunk(chunk, new TaskPoolException(
                        $"task pool: worker rank {worker.Rank} was lost while it held tasks {chunk.First}…{chunk.First + chunk.Count - 1} of a {chunk.Job.Function.Method.Name} call: {error.Message}", error));
                }
            }
            foreach (PoolJob job in _pending.Concat(_streams.Values).Distinct())
                job.Fail(new TaskPoolException($"task pool: the pool broke before these tasks started: {error.Message}", error));
            _pending.Clear();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Out-of-line result bodies come from the worker whose Results message is being read.</summary>
    private sealed class ResultBodies(Communicator communicator) : IBodySource
    {
        public int Source { get; set; }

        public void Receive(Span<byte> into) => communicator.Receive(into, Source, PoolTags.ResultBody);
    }
}

/// <summary>A chunk a worker holds: which job, which tasks, and what the job keeps for them (a Submit batch's entries).</summary>
internal readonly record struct InFlightChunk(PoolJob Job, long First, int Count, object? State);

/// <summary>
/// The client's view of one worker: the chunks it holds (answered in the order sent, since
/// messages of one tag do not overtake), a send buffer per chunk slot, and the functions it knows.
/// </summary>
internal sealed class WorkerLink
{
    private readonly InFlightChunk[] _ring;
    private readonly WireBuffer[] _buffers;
    private readonly List<OutOfLineBody>[] _bodies;
    private readonly HashSet<int> _defined = [];
    private int _head;

    public WorkerLink(int rank, int depth)
    {
        Rank = rank;
        _ring = new InFlightChunk[depth];
        _buffers = [.. Enumerable.Range(0, depth).Select(_ => new WireBuffer(4 << 10))];
        _bodies = [.. Enumerable.Range(0, depth).Select(_ => new List<OutOfLineBody>())];
    }

    public int Rank { get; }

    public int InFlight { get; private set; }

    public InFlightChunk Oldest => _ring[_head];

    public IEnumerable<InFlightChunk> InFlightChunks => Enumerable.Range(0, InFlight).Select(i => _ring[(_head + i) % _ring.Length]);

    public bool Holds(PoolJob job)
    {
        for (int i = 0; i < InFlight; i++)
        {
            if (ReferenceEquals(_ring[(_head + i) % _ring.Length].Job, job))
                return true;
        }
        return false;
    }

    /// <summary>Encodes and starts sending a chunk; its buffer is reused once the worker has answered it.</summary>
    public void SendChunk(Communicator comm, InFlightChunk chunk)
    {
        PoolJob job = chunk.Job;
        int slot = (_head + InFlight) % _ring.Length;
        WireBuffer buffer = _buffers[slot];
        List<OutOfLineBody> bodies = _bodies[slot];
        buffer.Reset();
        bodies.Clear();
        buffer.Write(new ChunkHeader { Kind = MessageKind.Chunk, Function = job.Function.Id, Job = job.Id, Count = chunk.Count, First = chunk.First });
        job.WriteArguments(chunk, buffer, bodies);
        if (_defined.Add(job.Function.Id))
        {
            byte[] definition = job.Function.Definition();
            var define = new byte[ChunkHeader.Size + definition.Length];
            MemoryMarshal.Write(define, new ChunkHeader { Kind = MessageKind.Define, Function = job.Function.Id });
            definition.CopyTo(define.AsSpan(ChunkHeader.Size));
            comm.Isend(define, Rank, PoolTags.Task);
        }
        comm.Isend(buffer.WrittenMemory, Rank, PoolTags.Task);
        foreach (OutOfLineBody body in bodies)
            body.Isend(comm, Rank, PoolTags.Body);
        _ring[slot] = chunk;
        InFlight++;
    }

    public void PopOldest()
    {
        _ring[_head] = default;
        _head = (_head + 1) % _ring.Length;
        InFlight--;
    }
}
