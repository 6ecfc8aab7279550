using System.Reflection;
using Hpc.Tasks.Wire;

namespace Hpc.Tasks;

// The client side of scheduling: turning a call into a job, picking the worker with room,
// running chunks locally on a one-rank pool, and cancelling.
public sealed partial class TaskPool
{
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
}
