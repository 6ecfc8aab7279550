namespace Hpc.Tasks;

/// <summary>Settings of a <see cref="TaskPool"/>; every rank must pass equal ones.</summary>
public sealed record TaskPoolOptions
{
    /// <summary>
    /// Chunks a worker holds at once: the one it runs and those queued behind it (default 2, so a
    /// worker never waits for the client between chunks). The in-flight work of a pool is at most
    /// workers × this; the rest waits on the client, where it can still be cancelled.
    /// </summary>
    public int ChunksPerWorker { get; init; } = 2;

    /// <summary>
    /// Threads that run tasks when the communicator has one rank, so there is no worker rank
    /// (default: <see cref="Environment.ProcessorCount"/>). The tasks run in the client's process,
    /// through the same checks, so a program behaves alike on 1 and on N ranks.
    /// </summary>
    public int LocalThreads { get; init; } = Environment.ProcessorCount;

    internal void Validate()
    {
        if (ChunksPerWorker < 1)
            throw new ArgumentOutOfRangeException(nameof(ChunksPerWorker), ChunksPerWorker, "TaskPoolOptions.ChunksPerWorker must be 1 or more.");
        if (LocalThreads < 1)
            throw new ArgumentOutOfRangeException(nameof(LocalThreads), LocalThreads, "TaskPoolOptions.LocalThreads must be 1 or more.");
    }
}

/// <summary>How far a Map has got: reported to an <see cref="IProgress{T}"/> after every chunk.</summary>
/// <param name="Completed">Tasks finished (successfully or not).</param>
/// <param name="Total">Tasks in the call.</param>
public readonly record struct TaskPoolProgress(int Completed, int Total);

/// <summary>
/// A task threw on a worker rank. The other tasks of the call went on; this carries the remote
/// exception's type, message and stack text (exceptions themselves do not travel).
/// </summary>
public sealed class RemoteTaskException : HpcException
{
    internal RemoteTaskException(int rank, int taskIndex, string remoteType, string remoteMessage, string remoteStackTrace)
        : base($"task {taskIndex} failed on rank {rank}: {remoteType}: {remoteMessage}")
    {
        Rank = rank;
        TaskIndex = taskIndex;
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
    }

    /// <summary>The rank the task ran on.</summary>
    public int Rank { get; }

    /// <summary>The task's position in its call (0 for a Submit).</summary>
    public int TaskIndex { get; }

    /// <summary>Full name of the exception type thrown on the worker.</summary>
    public string RemoteType { get; }

    /// <summary>Its message.</summary>
    public string RemoteMessage { get; }

    /// <summary>Its stack trace, as text, on the worker.</summary>
    public string RemoteStackTrace { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{base.ToString()}{System.Environment.NewLine}--- remote stack trace on rank {Rank} ---{System.Environment.NewLine}{RemoteStackTrace}";
}

/// <summary>The pool itself failed: a worker rank was lost, or the pool was shut down.</summary>
public sealed class TaskPoolException : HpcException
{
    internal TaskPoolException(string message, Exception? inner = null) : base(message, inner ?? new HpcException(message)) { }
}
