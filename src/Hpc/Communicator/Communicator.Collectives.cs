using Hpc.Diagnostics;
using Hpc.Collectives;
using Hpc.Collectives.Allreduce;
using Hpc.Collectives.Barrier;
using Hpc.Collectives.Broadcast;
using Hpc.Collectives.Hierarchical;
using Hpc.Collectives.Reduce;
using Hpc.Messaging;
using Hpc.Reduction;

namespace Hpc;

// Collectives that combine or copy one vector: Barrier, Broadcast, Reduce, Allreduce. Every
// public method prepares the call (Communicator.Preparation.cs: arguments checked, kernel,
// algorithm and tag chosen) and runs it with a Run… method, which the non-blocking forms share.
//
// All collectives must be called by every rank of the communicator, in the same order, with
// matching counts. The optional algorithm argument must also match on every rank (or be left
// at Auto everywhere).
public sealed partial class Communicator
{
    // ------------------------------------------------------------------ barrier

    /// <summary>Blocks until every rank of the communicator has called Barrier (MPI_Barrier).</summary>
    public void Barrier() => RunBarrier(PrepareBarrier(BarrierAlgorithm.Auto, blocking: true));

    /// <summary>
    /// Barrier with a forced <paramref name="algorithm"/> (the same on every rank); one that cannot
    /// run here gives way to the selector's choice, as for every collective.
    /// </summary>
    public void Barrier(BarrierAlgorithm algorithm) => RunBarrier(PrepareBarrier(algorithm, blocking: true));

    private void RunBarrier(in BarrierCall prepared)
    {
        using CallTracker.Scope call = BeginCollective<byte>(CallKind.Barrier, prepared.Tag, 0);
        call.Algorithm(prepared.Algorithm);
        if (prepared.Algorithm == BarrierAlgorithm.SharedMemory)
            Collectives.SharedMemory.SharedMemoryBarrier.Run(SharedArea!);
        else if (prepared.Algorithm == BarrierAlgorithm.Hierarchical)
            HierarchicalBarrier.Run(Hierarchy);
        else if (prepared.Algorithm == BarrierAlgorithm.Direct)
            DirectBarrier.Run(Collective, prepared.Tag);
        else
            DisseminationBarrier.Run(Collective, prepared.Tag);
    }

    // ------------------------------------------------------------------ broadcast

    /// <summary>
    /// Copies the root's <paramref name="data"/> into every rank's <paramref name="data"/>
    /// (MPI_Bcast). All ranks pass the same length.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank of this communicator.</exception>
    public void Broadcast<T>(Span<T> data, int root, BroadcastAlgorithm algorithm = BroadcastAlgorithm.Auto) where T : unmanaged
        => RunBroadcast(PrepareBroadcast<T>(data.Length, root, algorithm, blocking: true), data);

    /// <summary>Broadcasts an array from <paramref name="root"/> (MPI_Bcast).</summary>
    public void Broadcast<T>(T[] data, int root, BroadcastAlgorithm algorithm = BroadcastAlgorithm.Auto) where T : unmanaged =>
        Broadcast(new Span<T>(data), root, algorithm);

    /// <summary>Returns the root's <paramref name="value"/> on every rank (MPI_Bcast of one element).</summary>
    public T Broadcast<T>(T value, int root) where T : unmanaged
    {
        Broadcast(new Span<T>(ref value), root);
        return value;
    }

    private void RunBroadcast<T>(in BroadcastCall prepared, Span<T> data) where T : unmanaged
    {
        (int tag, int root, BroadcastAlgorithm algorithm) = prepared;
        using CallTracker.Scope call = BeginCollective<T>(CallKind.Broadcast, tag, data.Length, root);
        call.Algorithm(algorithm);
        if (Size == 1 || data.IsEmpty)
            return;
        switch (algorithm)
        {
            case BroadcastAlgorithm.SharedMemory:
                Collectives.SharedMemory.SharedMemoryBroadcast.Run(SharedArea!, data, root);
                break;
            case BroadcastAlgorithm.ScatterAllgather:
                ScatterAllgatherBroadcast.Run(Collective, tag, data, root);
                break;
            case BroadcastAlgorithm.Hierarchical:
                HierarchicalBroadcast.Run(Hierarchy, data, root);
                break;
            case BroadcastAlgorithm.Chain:
                ChainBroadcast.Run(Collective, tag, data, root, Topology.Hosts > 1 ? HostIndexOfRank : []);
                break;
            default:
                BinomialBroadcast.Run(Collective, tag, data, root);
                break;
        }
    }

    // ------------------------------------------------------------------ reduce

    /// <summary>
    /// Combines every rank's <paramref name="send"/> with <paramref name="op"/> into the root's
    /// <paramref name="receive"/> (MPI_Reduce); element i of the result is
    /// x0[i] ∘ x1[i] ∘ … ∘ x(n−1)[i]. <paramref name="receive"/> is only used at the root (other
    /// ranks may pass an empty span); it may be the same memory as <paramref name="send"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// At the root, <paramref name="receive"/> is shorter than <paramref name="send"/>; or
    /// <paramref name="op"/> is not defined for <typeparamref name="T"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank of this communicator.</exception>
    public void Reduce<T>(ReadOnlySpan<T> send, Span<T> receive, ReduceOp op, int root, ReduceAlgorithm algorithm = ReduceAlgorithm.Auto) where T : unmanaged
        => RunReduce(PrepareReduce(send, receive, op, root, algorithm, blocking: true), send, receive);

    /// <summary>Reduce of arrays (MPI_Reduce); see <see cref="Reduce{T}(ReadOnlySpan{T}, Span{T}, ReduceOp, int, ReduceAlgorithm)"/>.</summary>
    public void Reduce<T>(T[] send, T[] receive, ReduceOp op, int root, ReduceAlgorithm algorithm = ReduceAlgorithm.Auto) where T : unmanaged =>
        Reduce(new ReadOnlySpan<T>(send), new Span<T>(receive), op, root, algorithm);

    /// <summary>
    /// In-place reduce (MPI_Reduce with MPI_IN_PLACE at the root): the root's
    /// <paramref name="data"/> is replaced by the result; other ranks' data is left unchanged.
    /// </summary>
    public void Reduce<T>(Span<T> data, ReduceOp op, int root, ReduceAlgorithm algorithm = ReduceAlgorithm.Auto) where T : unmanaged =>
        Reduce((ReadOnlySpan<T>)data, data, op, root, algorithm);

    /// <summary>In-place reduce of an array; see <see cref="Reduce{T}(Span{T}, ReduceOp, int, ReduceAlgorithm)"/>.</summary>
    public void Reduce<T>(T[] data, ReduceOp op, int root, ReduceAlgorithm algorithm = ReduceAlgorithm.Auto) where T : unmanaged =>
        Reduce(new Span<T>(data), op, root, algorithm);

    /// <summary>Reduces one value per rank; returns the result at the root and <c>default</c> elsewhere.</summary>
    public T Reduce<T>(T value, ReduceOp op, int root, ReduceAlgorithm algorithm = ReduceAlgorithm.Auto) where T : unmanaged
    {
        T result = default;
        Reduce(new ReadOnlySpan<T>(in value), new Span<T>(ref result), op, root, algorithm);
        return result;
    }

    private void RunReduce<T>(in ReduceCall<T> prepared, ReadOnlySpan<T> send, Span<T> receive) where T : unmanaged
    {
        (int tag, int root, ReduceKernel<T> kernel, ReduceAlgorithm algorithm) = prepared;
        using CallTracker.Scope call = BeginCollective<T>(CallKind.Reduce, tag, send.Length, root, kernel.Name);
        call.Algorithm(algorithm);
        if (algorithm == ReduceAlgorithm.Hierarchical)
        {
            HierarchicalReduce.Run(Hierarchy, Collective, tag, send, receive, kernel, root);
            return;
        }
        Debug.Assert(algorithm == ReduceAlgorithm.Binomial);
        if (Rank == root)
        {
            Span<T> result = receive[..send.Length];
            send.CopyTo(result);
            BinomialReduce.Run(Collective, tag, result, kernel, root);
            return;
        }
        using PooledBuffer<T> work = PooledBuffer<T>.Rent(send.Length);
        send.CopyTo(work.Span);
        BinomialReduce.Run(Collective, tag, work.Span, kernel, root);
    }

    // ------------------------------------------------------------------ allreduce

    /// <summary>
    /// Combines every rank's <paramref name="data"/> with <paramref name="op"/> and leaves the
    /// result in every rank's <paramref name="data"/> (MPI_Allreduce with MPI_IN_PLACE), e.g.
    /// <c>world.Allreduce(gradients, ReduceOp.Sum)</c>. Every rank ends with bit-identical values,
    /// also for floating point.
    /// </summary>
    /// <param name="data">This rank's contribution on entry, the result on return; same length on every rank.</param>
    /// <param name="op">A built-in such as <see cref="ReduceOp.Sum"/>, or a user operation.</param>
    /// <param name="algorithm">Forces an algorithm (the same on every rank); Auto lets the selector choose.</param>
    /// <exception cref="ArgumentException"><paramref name="op"/> is not defined for <typeparamref name="T"/>.</exception>
    public void Allreduce<T>(Span<T> data, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto) where T : unmanaged
        => RunAllreduce(PrepareAllreduce<T>(data, data, op, algorithm, blocking: true), data);

    /// <summary>In-place allreduce of an array; see <see cref="Allreduce{T}(Span{T}, ReduceOp, AllreduceAlgorithm)"/>.</summary>
    public void Allreduce<T>(T[] data, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto) where T : unmanaged =>
        Allreduce(new Span<T>(data), op, algorithm);

    /// <summary>
    /// Combines every rank's <paramref name="send"/> into every rank's <paramref name="receive"/>
    /// (MPI_Allreduce). The first <c>send.Length</c> elements of <paramref name="receive"/> are
    /// written; it may be the same memory as <paramref name="send"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="receive"/> is shorter than <paramref name="send"/> or partially overlaps it;
    /// or <paramref name="op"/> is not defined for <typeparamref name="T"/>.
    /// </exception>
    public void Allreduce<T>(ReadOnlySpan<T> send, Span<T> receive, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto) where T : unmanaged
        => RunAllreduce(PrepareAllreduce(send, receive, op, algorithm, blocking: true), send, receive);

    /// <summary>Out-of-place allreduce of arrays; see <see cref="Allreduce{T}(ReadOnlySpan{T}, Span{T}, ReduceOp, AllreduceAlgorithm)"/>.</summary>
    public void Allreduce<T>(T[] send, T[] receive, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto) where T : unmanaged =>
        Allreduce(new ReadOnlySpan<T>(send), new Span<T>(receive), op, algorithm);

    /// <summary>Combines one value per rank and returns the result on every rank: <c>int total = world.Allreduce(local, ReduceOp.Sum)</c>.</summary>
    public T Allreduce<T>(T value, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto) where T : unmanaged
    {
        Allreduce(new Span<T>(ref value), op, algorithm);
        return value;
    }

    /// <summary>Runs an out-of-place allreduce: <paramref name="send"/> is copied into the front of <paramref name="receive"/>, which is then reduced in place.</summary>
    private void RunAllreduce<T>(in AllreduceCall<T> prepared, ReadOnlySpan<T> send, Span<T> receive) where T : unmanaged
    {
        Span<T> result = receive[..send.Length];
        send.CopyTo(result);
        RunAllreduce(prepared, result);
    }

    private void RunAllreduce<T>(in AllreduceCall<T> prepared, Span<T> data) where T : unmanaged
    {
        (int tag, ReduceKernel<T> kernel, AllreduceAlgorithm algorithm) = prepared;
        using CallTracker.Scope call = BeginCollective<T>(CallKind.Allreduce, tag, data.Length, op: kernel.Name);
        call.Algorithm(algorithm);
        if (Size == 1 || data.IsEmpty)
            return;
        switch (algorithm)
        {
            case AllreduceAlgorithm.SharedMemory:
                Collectives.SharedMemory.SharedMemoryAllreduce.Run(SharedArea!, data, kernel);
                break;
            case AllreduceAlgorithm.Ring:
                RingAllreduce.Run(Collective, tag, data, kernel);
                break;
            case AllreduceAlgorithm.Tree:
                TreeAllreduce.Run(Collective, tag, data, kernel);
                break;
            case AllreduceAlgorithm.Rabenseifner:
                PowerOfTwoFold.Run<T, RabenseifnerAllreduce>(Collective, tag, data, kernel);
                break;
            case AllreduceAlgorithm.Hierarchical:
                HierarchicalAllreduce.Run(Hierarchy, data, kernel);
                break;
            case AllreduceAlgorithm.Direct:
                DirectAllreduce.Run(Collective, tag, data, kernel);
                break;
            default:
                PowerOfTwoFold.Run<T, RecursiveDoublingAllreduce>(Collective, tag, data, kernel);
                break;
        }
    }
}
