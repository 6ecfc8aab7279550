using System.Reflection;
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
public sealed partial class TaskPool : IDisposable
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
}
