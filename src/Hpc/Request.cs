using System.Buffers;
using Hpc.Messaging;
using Hpc.Messaging.Waiting;

namespace Hpc;

/// <summary>
/// A non-blocking operation in flight (MPI_Request). Complete it with <see cref="Wait"/>,
/// poll it with <see cref="Test(out Status)"/>, or await <see cref="WaitAsync"/>.
/// A request is completed exactly once; waiting on a completed request returns at once.
/// </summary>
public class Request
{
    private volatile int _completed;
    private int _finishing;
    // Set after the completing thread is done with this object (events signalled, pin released).
    private volatile int _settled;
    private Status _status;
    private Exception? _error;
    private MemoryHandle _pin;
    // Created only when someone needs them: a blocking wait that outlasts its spin, or a Task.
    private ManualResetEventSlim? _event;
    private TaskCompletionSource<Status>? _completion;

    internal Request() { }

    /// <summary>Threads spinning in <see cref="Wait"/> on this request right now (see <see cref="RequestWaiting"/>).</summary>
    internal int SpinningWaiters;

    /// <summary>Threads sleeping on the rank's arrival signal for this request: completing it must wake them.</summary>
    internal int BlockedWaiters;

    /// <summary>The engine whose links a waiter polls while it spins; null when nothing needs polling.</summary>
    internal ProgressEngine? Engine { get; set; }

    /// <summary>True once the operation has finished (successfully or not).</summary>
    public bool IsCompleted => _completed != 0;

    /// <summary>
    /// Blocks until the operation completes and returns its status.
    /// </summary>
    /// <exception cref="MessageTruncatedException">A receive buffer was too small.</exception>
    /// <exception cref="OperationCanceledException">The operation was cancelled.</exception>
    public Status Wait()
    {
        if (_completed == 0)
        {
            // What --timeout reports this thread waits for.
            CallTracker.Waiting(this);
            RequestWaiting.Wait(this);
            CallTracker.Waiting(null);
        }
        return Result();
    }

    /// <summary>Sleeps until the thread that completes this request signals it.</summary>
    internal void WaitForSignal()
    {
        if (_completed != 0)
            return;
        ManualResetEventSlim signal = _event ?? Interlocked.CompareExchange(ref _event, new ManualResetEventSlim(false, 1), null) ?? _event;
        if (_completed == 0)
            signal.Wait();
    }

    /// <summary>Returns true and the status when the operation has completed; never blocks.</summary>
    public bool Test(out Status status)
    {
        if (_completed == 0)
            Engine?.Progress();
        if (_completed == 0)
        {
            status = default;
            return false;
        }
        status = Result();
        return true;
    }

    /// <summary>Returns true when the operation has completed; never blocks.</summary>
    public bool Test() => Test(out _);

    /// <summary>
    /// Completes when the operation does. Cancelling <paramref name="cancellationToken"/> stops the
    /// wait only; use the <c>…Async</c> methods of <see cref="Communicator"/> to cancel the operation.
    /// </summary>
    public Task<Status> WaitAsync(CancellationToken cancellationToken = default)
    {
        Engine?.RequestBackgroundProgress();
        return Task.WaitAsync(cancellationToken);
    }

    internal Task<Status> Task
    {
        get
        {
            TaskCompletionSource<Status> completion = _completion
                ?? Interlocked.CompareExchange(ref _completion, new TaskCompletionSource<Status>(TaskCreationOptions.RunContinuationsAsynchronously), null)
                ?? _completion;
            if (_completed != 0)
                Publish(completion);
            return completion.Task;
        }
    }

    private Status Result()
    {
        if (_error is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
        return _status;
    }

    private void Publish(TaskCompletionSource<Status> completion)
    {
        if (_error is OperationCanceledException canceled)
            completion.TrySetCanceled(canceled.CancellationToken);
        else if (_error is not null)
            completion.TrySetException(_error);
        else
            completion.TrySetResult(_status);
    }

    /// <summary>
    /// A number that changes while the operation makes progress (bytes of a large message
    /// landing or leaving): a waiter keeps spinning while it moves, and sleeps once it stalls.
    /// </summary>
    internal virtual long ProgressMark => 0;

    /// <summary>Work the waiting thread may do itself while it spins (see <see cref="SendRequest"/>).</summary>
    internal virtual void AdvanceWhileWaiting() { }

    /// <summary>True when <see cref="AdvanceWhileWaiting"/> has something to do.</summary>
    internal virtual bool HasWorkForWaiter => false;

    /// <summary>
    /// True for requests that can ever have work for their waiter (large sends): only those
    /// count their waiters (<see cref="SpinningWaiters"/>), two atomic operations a wait that a
    /// receive never needs.
    /// </summary>
    internal virtual bool CanHaveWorkForWaiter => false;

    /// <summary>
    /// How long, in microseconds, the peer is expected to work before this request can complete
    /// (a receiver copying a large message out of this rank's memory): its waiter polls that
    /// much longer before blocking (<see cref="WaitStrategy.Begin"/>).
    /// </summary>
    internal virtual long PeerWorkMicroseconds => 0;

    /// <summary>
    /// True when <see cref="AdvanceWhileWaiting"/> needs no background readers unless it actually
    /// waits for room (its link then starts them itself, see <see cref="IPeerLink.StartsReadersWhenBlocked"/>).
    /// </summary>
    internal virtual bool AdvancesWithoutReaders => false;

    internal void Pin(MemoryHandle pin) => _pin = pin;

    internal void Complete(Status status) => Finish(status, null);

    internal void Fail(Exception error) => Finish(default, error);

    internal void Cancel(CancellationToken token) => Finish(default, new OperationCanceledException(token));

    private void Finish(Status status, Exception? error)
    {
        if (Interlocked.Exchange(ref _finishing, 1) != 0)
            return;
        _status = status;
        _error = error;
        _pin.Dispose();
        _pin = default;
        // A full fence: a waiter that installs its event after this store sees the completion,
        // and one that installed it before is seen below.
        Interlocked.Exchange(ref _completed, 1);
        if (Volatile.Read(ref _completion) is { } completion)
            Publish(completion);
        Volatile.Read(ref _event)?.Set();
        if (Volatile.Read(ref BlockedWaiters) != 0)
            Engine?.ArrivalSignal?.WakeAll();
        _settled = 1;
    }

    /// <summary>True once the completing thread no longer touches this object.</summary>
    internal bool IsSettled => _settled != 0;

    /// <summary>Makes a settled request that nobody else references new again (see <see cref="ReceiveRequest.ForBlockingCall"/>).</summary>
    internal void PrepareForReuse()
    {
        _status = default;
        _error = null;
        _completion = null;
        _event?.Reset();
        _finishing = 0;
        _settled = 0;
        Engine = null;
        _completed = 0;
    }

    /// <summary>Polls the links once for the first request still waiting (MPI's Test calls make progress).</summary>
    private static void ProgressOnce(ReadOnlySpan<Request> requests)
    {
        foreach (Request request in requests)
        {
            if (!request.IsCompleted && request.Engine is { } engine)
            {
                engine.Progress();
                return;
            }
        }
    }

    /// <summary>Waits for every request (MPI_Waitall) and returns their statuses in order.</summary>
    /// <exception cref="AggregateException">One or more requests failed; the others still completed.</exception>
    public static Status[] WaitAll(params ReadOnlySpan<Request> requests)
    {
        var statuses = new Status[requests.Length];
        List<Exception>? errors = null;
        for (int i = 0; i < requests.Length; i++)
        {
            try
            {
                statuses[i] = requests[i].Wait();
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
        }
        if (errors is not null)
            throw errors.Count == 1 ? errors[0] : new AggregateException(errors);
        return statuses;
    }

    /// <summary>Waits until one request completes (MPI_Waitany); returns its index and status.</summary>
    public static (int Index, Status Status) WaitAny(params ReadOnlySpan<Request> requests)
    {
        if (requests.Length == 0)
            throw new ArgumentException("WaitAny needs at least one request.", nameof(requests));
        for (int i = 0; i < requests.Length; i++)
        {
            if (requests[i].IsCompleted)
                return (i, requests[i].Wait());
        }
        var tasks = new Task[requests.Length];
        for (int i = 0; i < requests.Length; i++)
        {
            requests[i].Engine?.RequestBackgroundProgress();
            tasks[i] = requests[i].Task;
        }
        int index = System.Threading.Tasks.Task.WaitAny(tasks);
        return (index, requests[index].Wait());
    }

    /// <summary>True when every request has completed (MPI_Testall); never blocks.</summary>
    public static bool TestAll(params ReadOnlySpan<Request> requests)
    {
        ProgressOnce(requests);
        foreach (Request request in requests)
        {
            if (!request.IsCompleted)
                return false;
        }
        return true;
    }

    /// <summary>Index of a completed request, or -1 (MPI_Testany); never blocks.</summary>
    public static int TestAny(params ReadOnlySpan<Request> requests)
    {
        ProgressOnce(requests);
        for (int i = 0; i < requests.Length; i++)
        {
            if (requests[i].IsCompleted)
                return i;
        }
        return -1;
    }

    /// <summary>Waits for at least one request and returns the indices of all completed ones (MPI_Waitsome).</summary>
    public static int[] WaitSome(params ReadOnlySpan<Request> requests)
    {
        WaitAny(requests);
        return TestSome(requests);
    }

    /// <summary>Indices of the requests that have completed (MPI_Testsome); never blocks.</summary>
    public static int[] TestSome(params ReadOnlySpan<Request> requests)
    {
        ProgressOnce(requests);
        var done = new List<int>();
        for (int i = 0; i < requests.Length; i++)
        {
            if (requests[i].IsCompleted)
                done.Add(i);
        }
        return [.. done];
    }
}
