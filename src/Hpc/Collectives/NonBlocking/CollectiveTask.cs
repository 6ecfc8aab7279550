namespace Hpc.Collectives.NonBlocking;

/// <summary>
/// Runs a blocking collective algorithm in the background for the non-blocking forms
/// (MPI_Iallreduce, AllreduceAsync, …). The caller has already drawn the call's tag and chosen
/// the algorithm on its own thread, so the order of calls — not the order in which background
/// threads happen to start — decides which collectives match across ranks.
/// </summary>
/// <remarks>
/// Each operation runs on its own worker thread (<see cref="CollectiveWorkers"/>): the algorithm
/// blocks while waiting for peers, and may wait for another collective in flight.
/// </remarks>
internal static class CollectiveTask
{
    public static Task Start(Action body, CancellationToken cancellationToken)
    {
        Task task = CollectiveWorkers.Run(body);
        return cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
    }

    public static async Task<T> Start<T>(Func<T> body, CancellationToken cancellationToken)
    {
        T result = default!;
        await Start(() => { result = body(); }, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>A <see cref="Request"/> that completes (or fails) with <paramref name="task"/>.</summary>
    public static Request ToRequest(Task task)
    {
        var request = new Request();
        task.ContinueWith(static (finished, state) =>
        {
            var request = (Request)state!;
            if (finished.IsFaulted)
            {
                AggregateException error = finished.Exception!;
                request.Fail(error.InnerExceptions.Count == 1 ? error.InnerExceptions[0] : error);
            }
            else if (finished.IsCanceled)
            {
                request.Cancel(CancellationToken.None);
            }
            else
            {
                request.Complete(default);
            }
        }, request, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return request;
    }
}
