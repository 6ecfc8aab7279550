using Hpc.Collectives;
using Hpc.Collectives.NonBlocking;
using Hpc.Reduction;

namespace Hpc;

// Non-blocking collectives, in two shapes: …Async methods returning a Task, and MPI-style
// I… methods returning a Request (MPI_Iallreduce, …). Each prepares its call exactly as the
// blocking form does (Communicator.Preparation.cs: arguments checked, algorithm chosen, tag
// drawn, all on the calling thread), so the same bad argument fails the same way in every
// form and several collectives may be in
// flight at once on one or more communicators: they match across ranks in call order, exactly
// like blocking ones. The algorithm then runs on a background thread.
//
// Buffers are Memory<T>: they must stay untouched (send) or unread (receive) until the
// operation completes. A CancellationToken abandons the wait only — a collective cannot be
// withdrawn once started, because the other ranks depend on this rank's messages — so the
// buffers stay in use until the collective really finishes.
public sealed partial class Communicator
{
    // ------------------------------------------------------------------ barrier

    /// <summary>Completes once every rank has entered the barrier (MPI_Ibarrier).</summary>
    public Task BarrierAsync(CancellationToken cancellationToken = default)
    {
        BarrierCall prepared = PrepareBarrier(BarrierAlgorithm.Auto, blocking: false);
        return CollectiveTask.Start(() => RunBarrier(prepared), cancellationToken);
    }

    /// <summary>Starts a barrier (MPI_Ibarrier); the request completes once every rank has entered it.</summary>
    public Request Ibarrier() => CollectiveTask.ToRequest(BarrierAsync());

    // ------------------------------------------------------------------ broadcast

    /// <summary>Broadcasts the root's <paramref name="data"/> to every rank (MPI_Ibcast).</summary>
    public Task BroadcastAsync<T>(Memory<T> data, int root, BroadcastAlgorithm algorithm = BroadcastAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        BroadcastCall prepared = PrepareBroadcast<T>(data.Length, root, algorithm, blocking: false);
        return CollectiveTask.Start(() => RunBroadcast(prepared, data.Span), cancellationToken);
    }

    /// <summary>Broadcasts an array asynchronously (MPI_Ibcast).</summary>
    public Task BroadcastAsync<T>(T[] data, int root, BroadcastAlgorithm algorithm = BroadcastAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged =>
        BroadcastAsync(new Memory<T>(data), root, algorithm, cancellationToken);

    /// <summary>Starts a broadcast (MPI_Ibcast).</summary>
    public Request Ibcast<T>(Memory<T> data, int root, BroadcastAlgorithm algorithm = BroadcastAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(BroadcastAsync(data, root, algorithm));

    /// <summary>Starts a broadcast of an array (MPI_Ibcast).</summary>
    public Request Ibcast<T>(T[] data, int root, BroadcastAlgorithm algorithm = BroadcastAlgorithm.Auto) where T : unmanaged =>
        Ibcast(new Memory<T>(data), root, algorithm);

    // ------------------------------------------------------------------ allreduce

    /// <summary>In-place allreduce of <paramref name="data"/> (MPI_Iallreduce with MPI_IN_PLACE).</summary>
    public Task AllreduceAsync<T>(Memory<T> data, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        AllreduceCall<T> prepared = PrepareAllreduce<T>(data.Span, data.Span, op, algorithm, blocking: false);
        return CollectiveTask.Start(() => RunAllreduce(prepared, data.Span), cancellationToken);
    }

    /// <summary>In-place allreduce of an array (MPI_Iallreduce with MPI_IN_PLACE).</summary>
    public Task AllreduceAsync<T>(T[] data, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged =>
        AllreduceAsync(new Memory<T>(data), op, algorithm, cancellationToken);

    /// <summary>Out-of-place allreduce (MPI_Iallreduce): the first send.Length elements of <paramref name="receive"/> get the result.</summary>
    public Task AllreduceAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        AllreduceCall<T> prepared = PrepareAllreduce(send.Span, receive.Span, op, algorithm, blocking: false);
        return CollectiveTask.Start(() => RunAllreduce(prepared, send.Span, receive.Span), cancellationToken);
    }

    /// <summary>Allreduce of one value per rank; the task's result is the combined value.</summary>
    public Task<T> AllreduceAsync<T>(T value, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        AllreduceCall<T> prepared = PrepareAllreduce<T>(new ReadOnlySpan<T>(in value), new ReadOnlySpan<T>(in value), op, algorithm, blocking: false);
        return CollectiveTask.Start(() =>
        {
            T result = value;
            RunAllreduce(prepared, new Span<T>(ref result));
            return result;
        }, cancellationToken);
    }

    /// <summary>Starts an in-place allreduce (MPI_Iallreduce with MPI_IN_PLACE).</summary>
    public Request Iallreduce<T>(Memory<T> data, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(AllreduceAsync(data, op, algorithm));

    /// <summary>Starts an in-place allreduce of an array.</summary>
    public Request Iallreduce<T>(T[] data, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto) where T : unmanaged =>
        Iallreduce(new Memory<T>(data), op, algorithm);

    /// <summary>Starts an out-of-place allreduce (MPI_Iallreduce).</summary>
    public Request Iallreduce<T>(ReadOnlyMemory<T> send, Memory<T> receive, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto)
        where T : unmanaged =>
        CollectiveTask.ToRequest(AllreduceAsync(send, receive, op, algorithm));

    // ------------------------------------------------------------------ reduce

    /// <summary>Reduce to the root (MPI_Ireduce); <paramref name="receive"/> is only used at the root.</summary>
    public Task ReduceAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, ReduceOp op, int root, ReduceAlgorithm algorithm = ReduceAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        ReduceCall<T> prepared = PrepareReduce(send.Span, receive.Span, op, root, algorithm, blocking: false);
        return CollectiveTask.Start(() => RunReduce(prepared, send.Span, receive.Span), cancellationToken);
    }

    /// <summary>Starts a reduce to the root (MPI_Ireduce).</summary>
    public Request Ireduce<T>(ReadOnlyMemory<T> send, Memory<T> receive, ReduceOp op, int root, ReduceAlgorithm algorithm = ReduceAlgorithm.Auto)
        where T : unmanaged =>
        CollectiveTask.ToRequest(ReduceAsync(send, receive, op, root, algorithm));

    // ------------------------------------------------------------------ allgather

    /// <summary>Allgather (MPI_Iallgather): rank r's block lands at offset r × send.Length of every <paramref name="receive"/>.</summary>
    public Task AllgatherAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, AllgatherAlgorithm algorithm = AllgatherAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        AllgatherCall prepared = PrepareAllgather<T>(send.Length, receive.Length, algorithm, blocking: false);
        return CollectiveTask.Start(() => RunAllgather(prepared, send.Span, receive.Span), cancellationToken);
    }

    /// <summary>Starts an allgather (MPI_Iallgather).</summary>
    public Request Iallgather<T>(ReadOnlyMemory<T> send, Memory<T> receive, AllgatherAlgorithm algorithm = AllgatherAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(AllgatherAsync(send, receive, algorithm));

    // ------------------------------------------------------------------ alltoall

    /// <summary>Alltoall (MPI_Ialltoall): Size equal blocks each way; the buffers must not overlap.</summary>
    public Task AlltoallAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, AlltoallAlgorithm algorithm = AlltoallAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        AlltoallCall prepared = PrepareAlltoall(send.Span, receive.Span, algorithm, blocking: false);
        return CollectiveTask.Start(() => RunAlltoall(prepared, send.Span, receive.Span), cancellationToken);
    }

    /// <summary>Starts an alltoall (MPI_Ialltoall).</summary>
    public Request Ialltoall<T>(ReadOnlyMemory<T> send, Memory<T> receive, AlltoallAlgorithm algorithm = AlltoallAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(AlltoallAsync(send, receive, algorithm));

    // ------------------------------------------------------------------ gather / scatter

    /// <summary>Gather to the root (MPI_Igather); <paramref name="receive"/> is only used at the root.</summary>
    public Task GatherAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, int root, GatherAlgorithm algorithm = GatherAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        GatherCall prepared = PrepareGather<T>(send.Length, receive.Length, root, algorithm, blocking: false);
        return CollectiveTask.Start(() => RunGather(prepared, send.Span, receive.Span), cancellationToken);
    }

    /// <summary>Starts a gather (MPI_Igather).</summary>
    public Request Igather<T>(ReadOnlyMemory<T> send, Memory<T> receive, int root, GatherAlgorithm algorithm = GatherAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(GatherAsync(send, receive, root, algorithm));

    /// <summary>Scatter from the root (MPI_Iscatter); the block size is receive.Length; <paramref name="send"/> is only used at the root.</summary>
    public Task ScatterAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, int root, ScatterAlgorithm algorithm = ScatterAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        ScatterCall prepared = PrepareScatter<T>(send.Length, receive.Length, root, algorithm, blocking: false);
        return CollectiveTask.Start(() => RunScatter(prepared, send.Span, receive.Span), cancellationToken);
    }

    /// <summary>Starts a scatter (MPI_Iscatter).</summary>
    public Request Iscatter<T>(ReadOnlyMemory<T> send, Memory<T> receive, int root, ScatterAlgorithm algorithm = ScatterAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(ScatterAsync(send, receive, root, algorithm));
}
