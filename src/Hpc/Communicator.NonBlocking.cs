using Hpc.Collectives;
using Hpc.Collectives.NonBlocking;
using Hpc.Reduction;

namespace Hpc;

// Non-blocking collectives, in two shapes: …Async methods returning a Task, and MPI-style
// I… methods returning a Request (MPI_Iallreduce, …). Arguments are checked, the algorithm is
// chosen and the call's tag is drawn on the calling thread, so several collectives may be in
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
        CheckUsable();
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() => BarrierCore(tag), cancellationToken);
    }

    /// <summary>Starts a barrier (MPI_Ibarrier); the request completes once every rank has entered it.</summary>
    public Request Ibarrier() => CollectiveTask.ToRequest(BarrierAsync());

    // ------------------------------------------------------------------ broadcast

    /// <summary>Broadcasts the root's <paramref name="data"/> to every rank (MPI_Ibcast).</summary>
    public Task BroadcastAsync<T>(Memory<T> data, int root, BroadcastAlgorithm algorithm = BroadcastAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        BroadcastAlgorithm chosen = ChooseBroadcast(Bytes<T>(data.Length), algorithm, blocking: false);
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() => BroadcastCore(tag, data.Span, root, chosen), cancellationToken);
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
        CheckUsable();
        ReduceKernel<T> kernel = KernelOf<T>(op);
        AllreduceAlgorithm chosen = ChooseAllreduce(Bytes<T>(data.Length), kernel.IsCommutative, algorithm, blocking: false);
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() => AllreduceCore(tag, data.Span, kernel, chosen), cancellationToken);
    }

    /// <summary>In-place allreduce of an array (MPI_Iallreduce with MPI_IN_PLACE).</summary>
    public Task AllreduceAsync<T>(T[] data, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged =>
        AllreduceAsync(new Memory<T>(data), op, algorithm, cancellationToken);

    /// <summary>Out-of-place allreduce (MPI_Iallreduce): the first send.Length elements of <paramref name="receive"/> get the result.</summary>
    public Task AllreduceAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        CheckUsable();
        CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
        CheckSameOrDisjoint(send.Span, receive.Span);
        ReduceKernel<T> kernel = KernelOf<T>(op);
        AllreduceAlgorithm chosen = ChooseAllreduce(Bytes<T>(send.Length), kernel.IsCommutative, algorithm, blocking: false);
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() =>
        {
            Span<T> result = receive.Span[..send.Length];
            send.Span.CopyTo(result);
            AllreduceCore(tag, result, kernel, chosen);
        }, cancellationToken);
    }

    /// <summary>Allreduce of one value per rank; the task's result is the combined value.</summary>
    public Task<T> AllreduceAsync<T>(T value, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        CheckUsable();
        ReduceKernel<T> kernel = KernelOf<T>(op);
        AllreduceAlgorithm chosen = ChooseAllreduce(Bytes<T>(1), kernel.IsCommutative, algorithm, blocking: false);
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() =>
        {
            T result = value;
            AllreduceCore(tag, new Span<T>(ref result), kernel, chosen);
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
        CheckUsable();
        CheckRoot(root);
        ReduceKernel<T> kernel = KernelOf<T>(op);
        if (Rank == root)
        {
            CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
            CheckSameOrDisjoint(send.Span, receive.Span);
        }
        ReduceAlgorithm chosen = AlgorithmSelector.Reduce(Size, Bytes<T>(send.Length), algorithm, Configuration);
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() => ReduceCore(tag, send.Span, receive.Span, kernel, root, chosen), cancellationToken);
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
        CheckUsable();
        CheckRoom(receive.Length, (long)send.Length * Size, nameof(receive), $"{Size} ranks × {send.Length} elements");
        AllgatherAlgorithm chosen = AlgorithmSelector.Allgather(Size, Bytes<T>((long)send.Length * Size), algorithm, Configuration);
        int[] counts = Blocks.Uniform(Size, send.Length);
        int[] displacements = Blocks.Packed(counts);
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() => AllgatherCore(tag, send.Span, receive.Span, counts, displacements, chosen), cancellationToken);
    }

    /// <summary>Starts an allgather (MPI_Iallgather).</summary>
    public Request Iallgather<T>(ReadOnlyMemory<T> send, Memory<T> receive, AllgatherAlgorithm algorithm = AllgatherAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(AllgatherAsync(send, receive, algorithm));

    // ------------------------------------------------------------------ alltoall

    /// <summary>Alltoall (MPI_Ialltoall): Size equal blocks each way; the buffers must not overlap.</summary>
    public Task AlltoallAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, AlltoallAlgorithm algorithm = AlltoallAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        CheckUsable();
        if (send.Length % Size != 0)
            throw new ArgumentException($"{nameof(send)} has {send.Length} elements, not a multiple of the {Size} ranks of '{Name}'", nameof(send));
        CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
        if (send.Span.Overlaps(receive.Span))
            throw new ArgumentException("alltoall cannot run in place: the send and receive buffers overlap", nameof(receive));
        int block = send.Length / Size;
        AlltoallAlgorithm chosen = AlgorithmSelector.Alltoall(Size, Bytes<T>(block), algorithm, Configuration);
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() => AlltoallCore(tag, send.Span, receive.Span, block, chosen), cancellationToken);
    }

    /// <summary>Starts an alltoall (MPI_Ialltoall).</summary>
    public Request Ialltoall<T>(ReadOnlyMemory<T> send, Memory<T> receive, AlltoallAlgorithm algorithm = AlltoallAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(AlltoallAsync(send, receive, algorithm));

    // ------------------------------------------------------------------ gather / scatter

    /// <summary>Gather to the root (MPI_Igather); <paramref name="receive"/> is only used at the root.</summary>
    public Task GatherAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, int root, GatherAlgorithm algorithm = GatherAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        if (Rank == root)
            CheckRoom(receive.Length, (long)send.Length * Size, nameof(receive), $"{Size} ranks × {send.Length} elements");
        GatherAlgorithm chosen = AlgorithmSelector.Gather(Size, Bytes<T>(send.Length), algorithm, Configuration);
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() => GatherCore(tag, send.Span, receive.Span, root, chosen), cancellationToken);
    }

    /// <summary>Starts a gather (MPI_Igather).</summary>
    public Request Igather<T>(ReadOnlyMemory<T> send, Memory<T> receive, int root, GatherAlgorithm algorithm = GatherAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(GatherAsync(send, receive, root, algorithm));

    /// <summary>Scatter from the root (MPI_Iscatter); the block size is receive.Length; <paramref name="send"/> is only used at the root.</summary>
    public Task ScatterAsync<T>(ReadOnlyMemory<T> send, Memory<T> receive, int root, ScatterAlgorithm algorithm = ScatterAlgorithm.Auto,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        if (Rank == root)
            CheckRoom(send.Length, (long)receive.Length * Size, nameof(send), $"{Size} ranks × {receive.Length} elements");
        ScatterAlgorithm chosen = AlgorithmSelector.Scatter(Size, Bytes<T>(receive.Length), algorithm, Configuration);
        int tag = Collective.NextTag();
        return CollectiveTask.Start(() => ScatterCore(tag, send.Span, receive.Span, root, chosen), cancellationToken);
    }

    /// <summary>Starts a scatter (MPI_Iscatter).</summary>
    public Request Iscatter<T>(ReadOnlyMemory<T> send, Memory<T> receive, int root, ScatterAlgorithm algorithm = ScatterAlgorithm.Auto) where T : unmanaged =>
        CollectiveTask.ToRequest(ScatterAsync(send, receive, root, algorithm));
}
