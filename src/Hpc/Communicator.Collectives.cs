using System.Diagnostics;
using Hpc.Collectives;
using Hpc.Collectives.Allreduce;
using Hpc.Collectives.Barrier;
using Hpc.Collectives.Broadcast;
using Hpc.Collectives.Reduce;
using Hpc.Collectives.ReduceScatter;
using Hpc.Collectives.Scan;
using Hpc.Messaging;
using Hpc.Reduction;

namespace Hpc;

// Collectives that combine or copy one vector: Barrier, Broadcast, Reduce, Allreduce, Scan,
// Exscan, ReduceScatter. Every public method validates its arguments, resolves the reduction
// kernel and the algorithm, draws the call's tag on the calling thread, then runs a *Core
// method that the non-blocking forms reuse on a background thread.
//
// All collectives must be called by every rank of the communicator, in the same order, with
// matching counts. The optional algorithm argument must also match on every rank (or be left
// at Auto everywhere).
public sealed partial class Communicator
{
    // ------------------------------------------------------------------ barrier

    /// <summary>Blocks until every rank of the communicator has called Barrier (MPI_Barrier).</summary>
    public void Barrier()
    {
        CheckUsable();
        int tag = Collective.NextTag();
        if (UseSharedMemoryBarrier())
        {
            using CallTracker.Scope call = TrackCollective("Barrier", 0, typeof(byte));
            CheckConsistency(tag, "Barrier", 0, typeof(byte));
            Collectives.SharedMemory.SharedMemoryBarrier.Run(SharedArea!);
            return;
        }
        BarrierCore(tag);
    }

    private void BarrierCore(int tag)
    {
        using CallTracker.Scope call = TrackCollective("Barrier", 0, typeof(byte));
        CheckConsistency(tag, "Barrier", 0, typeof(byte));
        // Dissemination is the only barrier. Consulting the selector anyway makes a malformed
        // HPC_COLL or tuning file fail at the first collective (the wire-up barrier in Init)
        // rather than at some later call.
        _ = AlgorithmSelector.Barrier(Size, BarrierAlgorithm.Auto, Configuration);
        DisseminationBarrier.Run(Collective, tag);
    }

    // ------------------------------------------------------------------ broadcast

    /// <summary>
    /// Copies the root's <paramref name="data"/> into every rank's <paramref name="data"/>
    /// (MPI_Bcast). All ranks pass the same length.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank of this communicator.</exception>
    public void Broadcast<T>(Span<T> data, int root, BroadcastAlgorithm algorithm = BroadcastAlgorithm.Auto) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        BroadcastAlgorithm chosen = ChooseBroadcast(Bytes<T>(data.Length), algorithm, blocking: true);
        BroadcastCore(Collective.NextTag(), data, root, chosen);
    }

    /// <summary>Broadcasts an array from <paramref name="root"/> (MPI_Bcast).</summary>
    public void Broadcast<T>(T[] data, int root, BroadcastAlgorithm algorithm = BroadcastAlgorithm.Auto) where T : unmanaged =>
        Broadcast(new Span<T>(data), root, algorithm);

    /// <summary>Returns the root's <paramref name="value"/> on every rank (MPI_Bcast of one element).</summary>
    public T Broadcast<T>(T value, int root) where T : unmanaged
    {
        Broadcast(new Span<T>(ref value), root);
        return value;
    }

    private void BroadcastCore<T>(int tag, Span<T> data, int root, BroadcastAlgorithm algorithm) where T : unmanaged
    {
        using CallTracker.Scope call = TrackCollective("Broadcast", data.Length, typeof(T));
        CheckConsistency(tag, "Broadcast", data.Length, typeof(T), root);
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
    {
        CheckUsable();
        CheckRoot(root);
        ReduceKernel<T> kernel = KernelOf<T>(op);
        if (Rank == root)
        {
            CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
            CheckSameOrDisjoint(send, receive);
        }
        ReduceAlgorithm chosen = AlgorithmSelector.Reduce(Size, Bytes<T>(send.Length), algorithm, Configuration);
        ReduceCore(Collective.NextTag(), send, receive, kernel, root, chosen);
    }

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

    private void ReduceCore<T>(int tag, ReadOnlySpan<T> send, Span<T> receive, ReduceKernel<T> kernel, int root, ReduceAlgorithm algorithm) where T : unmanaged
    {
        using CallTracker.Scope call = TrackCollective("Reduce", send.Length, typeof(T));
        CheckConsistency(tag, "Reduce", send.Length, typeof(T), root, kernel.Name);
        // Binomial is the only reduce algorithm; the parameter keeps the shape of the other cores.
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
    {
        CheckUsable();
        ReduceKernel<T> kernel = KernelOf<T>(op);
        AllreduceAlgorithm chosen = ChooseAllreduce(Bytes<T>(data.Length), kernel.IsCommutative, algorithm, blocking: true);
        AllreduceCore(Collective.NextTag(), data, kernel, chosen);
    }

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
    {
        CheckUsable();
        CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
        CheckSameOrDisjoint(send, receive);
        ReduceKernel<T> kernel = KernelOf<T>(op);
        AllreduceAlgorithm chosen = ChooseAllreduce(Bytes<T>(send.Length), kernel.IsCommutative, algorithm, blocking: true);
        Span<T> result = receive[..send.Length];
        send.CopyTo(result);
        AllreduceCore(Collective.NextTag(), result, kernel, chosen);
    }

    /// <summary>Out-of-place allreduce of arrays; see <see cref="Allreduce{T}(ReadOnlySpan{T}, Span{T}, ReduceOp, AllreduceAlgorithm)"/>.</summary>
    public void Allreduce<T>(T[] send, T[] receive, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto) where T : unmanaged =>
        Allreduce(new ReadOnlySpan<T>(send), new Span<T>(receive), op, algorithm);

    /// <summary>Combines one value per rank and returns the result on every rank: <c>int total = world.Allreduce(local, ReduceOp.Sum)</c>.</summary>
    public T Allreduce<T>(T value, ReduceOp op, AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto) where T : unmanaged
    {
        Allreduce(new Span<T>(ref value), op, algorithm);
        return value;
    }

    private void AllreduceCore<T>(int tag, Span<T> data, ReduceKernel<T> kernel, AllreduceAlgorithm algorithm) where T : unmanaged
    {
        using CallTracker.Scope call = TrackCollective("Allreduce", data.Length, typeof(T));
        CheckConsistency(tag, "Allreduce", data.Length, typeof(T), op: kernel.Name);
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
                RabenseifnerAllreduce.Run(Collective, tag, data, kernel);
                break;
            default:
                RecursiveDoublingAllreduce.Run(Collective, tag, data, kernel);
                break;
        }
    }

    // ------------------------------------------------------------------ scan

    /// <summary>
    /// Inclusive prefix reduction (MPI_Scan): rank r receives x0 ∘ x1 ∘ … ∘ xr, element-wise.
    /// <paramref name="receive"/> may be the same memory as <paramref name="send"/>.
    /// </summary>
    public void Scan<T>(ReadOnlySpan<T> send, Span<T> receive, ReduceOp op) where T : unmanaged =>
        ScanChecked(send, receive, op, exclusive: false);

    /// <summary>In-place inclusive prefix reduction (MPI_Scan with MPI_IN_PLACE).</summary>
    public void Scan<T>(Span<T> data, ReduceOp op) where T : unmanaged => ScanChecked(data, data, op, exclusive: false);

    /// <summary>Inclusive prefix reduction of one value: rank r gets x0 ∘ … ∘ xr.</summary>
    public T Scan<T>(T value, ReduceOp op) where T : unmanaged
    {
        ScanChecked(new ReadOnlySpan<T>(in value), new Span<T>(ref value), op, exclusive: false);
        return value;
    }

    /// <summary>
    /// Exclusive prefix reduction (MPI_Exscan): rank r receives x0 ∘ … ∘ x(r−1). Rank 0's
    /// <paramref name="receive"/> is left unchanged (MPI leaves it undefined).
    /// </summary>
    public void Exscan<T>(ReadOnlySpan<T> send, Span<T> receive, ReduceOp op) where T : unmanaged =>
        ScanChecked(send, receive, op, exclusive: true);

    /// <summary>In-place exclusive prefix reduction; rank 0's data is left unchanged.</summary>
    public void Exscan<T>(Span<T> data, ReduceOp op) where T : unmanaged => ScanChecked(data, data, op, exclusive: true);

    /// <summary>Exclusive prefix reduction of one value: rank r gets x0 ∘ … ∘ x(r−1); rank 0 gets <c>default</c>.</summary>
    public T Exscan<T>(T value, ReduceOp op) where T : unmanaged
    {
        T result = default;
        ScanChecked(new ReadOnlySpan<T>(in value), new Span<T>(ref result), op, exclusive: true);
        return result;
    }

    private void ScanChecked<T>(ReadOnlySpan<T> send, Span<T> receive, ReduceOp op, bool exclusive) where T : unmanaged
    {
        using CallTracker.Scope call = TrackCollective(exclusive ? "Exscan" : "Scan", send.Length, typeof(T));
        CheckUsable();
        CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
        CheckSameOrDisjoint(send, receive);
        ReduceKernel<T> kernel = KernelOf<T>(op);
        RecursiveDoublingScan.Run(Collective, Collective.NextTag(), send, receive[..send.Length], kernel, exclusive);
    }

    // ------------------------------------------------------------------ reduce-scatter

    /// <summary>
    /// Reduces every rank's <paramref name="send"/> element-wise and scatters the result
    /// (MPI_Reduce_scatter): rank r receives the <paramref name="counts"/>[r] elements starting
    /// at counts[0] + … + counts[r−1]. <paramref name="counts"/> is the same on every rank.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="counts"/> does not have one entry per rank or has a negative entry;
    /// <paramref name="send"/> is shorter than the sum of counts; <paramref name="receive"/> is
    /// shorter than this rank's count; or <paramref name="op"/> is not defined for <typeparamref name="T"/>.
    /// </exception>
    public void ReduceScatter<T>(ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts, ReduceOp op,
        ReduceScatterAlgorithm algorithm = ReduceScatterAlgorithm.Auto) where T : unmanaged
    {
        CheckUsable();
        long total = CheckCounts(counts, nameof(counts));
        CheckRoom(send.Length, total, nameof(send), $"the sum of {nameof(counts)}");
        CheckRoom(receive.Length, counts[Rank], nameof(receive), $"{nameof(counts)}[{Rank}]");
        ReduceKernel<T> kernel = KernelOf<T>(op);
        ReduceScatterAlgorithm chosen = AlgorithmSelector.ReduceScatter(Size, Bytes<T>(total), kernel.IsCommutative, algorithm, Configuration);
        ReduceScatterCore(Collective.NextTag(), send[..(int)total], receive, counts.ToArray(), kernel, chosen);
    }

    /// <summary>Reduce-scatter returning this rank's block as a new array (MPI_Reduce_scatter).</summary>
    public T[] ReduceScatter<T>(ReadOnlySpan<T> send, ReadOnlySpan<int> counts, ReduceOp op,
        ReduceScatterAlgorithm algorithm = ReduceScatterAlgorithm.Auto) where T : unmanaged
    {
        CheckUsable();
        CheckCounts(counts, nameof(counts));
        var result = new T[counts[Rank]];
        ReduceScatter(send, result, counts, op, algorithm);
        return result;
    }

    /// <summary>
    /// Reduce-scatter with equal blocks (MPI_Reduce_scatter_block): the block size is
    /// <paramref name="receive"/>.Length, and rank r receives elements
    /// [r × block, (r + 1) × block) of the reduction.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="send"/> holds fewer than Size × block elements.</exception>
    public void ReduceScatterBlock<T>(ReadOnlySpan<T> send, Span<T> receive, ReduceOp op,
        ReduceScatterAlgorithm algorithm = ReduceScatterAlgorithm.Auto) where T : unmanaged
    {
        CheckUsable();
        CheckRoom(send.Length, (long)receive.Length * Size, nameof(send), $"{Size} ranks × block of {receive.Length} ({nameof(receive)}.Length)");
        ReduceScatter(send, receive, Blocks.Uniform(Size, receive.Length), op, algorithm);
    }

    /// <summary>
    /// Reduce-scatter with equal blocks returning this rank's block: <paramref name="send"/>.Length
    /// must be a multiple of Size.
    /// </summary>
    public T[] ReduceScatterBlock<T>(ReadOnlySpan<T> send, ReduceOp op, ReduceScatterAlgorithm algorithm = ReduceScatterAlgorithm.Auto) where T : unmanaged
    {
        CheckUsable();
        if (send.Length % Size != 0)
            throw new ArgumentException($"{nameof(send)} has {send.Length} elements, not a multiple of the {Size} ranks of '{Name}'", nameof(send));
        var result = new T[send.Length / Size];
        ReduceScatterBlock(send, result, op, algorithm);
        return result;
    }

    private void ReduceScatterCore<T>(int tag, ReadOnlySpan<T> send, Span<T> receive, int[] counts, ReduceKernel<T> kernel, ReduceScatterAlgorithm algorithm)
        where T : unmanaged
    {
        using CallTracker.Scope call = TrackCollective("ReduceScatter", send.Length, typeof(T));
        CheckConsistency(tag, "ReduceScatter", send.Length, typeof(T), op: kernel.Name);
        int[] displacements = Blocks.Packed(counts);
        using PooledBuffer<T> work = PooledBuffer<T>.Rent(send.Length);
        send.CopyTo(work.Span);
        if (Size == 1)
        {
            work.Span.CopyTo(receive);
            return;
        }
        if (algorithm == ReduceScatterAlgorithm.Ring)
            RingReduceScatterv.Run(Collective, tag, work.Span, receive, counts, displacements, kernel);
        else
            ReduceThenScatter.Run(Collective, tag, work.Span, receive, counts, displacements, kernel);
    }

    // ------------------------------------------------------------------ shared checks

    private CollectiveConfiguration Configuration => Runtime.Options.Collectives;

    /// <summary>Records the collective this thread is in, for mpirun's hang report ("Allreduce(count=1024, Single) on world, waiting for rank 5").</summary>
    private CallTracker.Scope TrackCollective(string operation, long count, Type elementType) =>
        CallTracker.Enter(operation, this, peer: int.MinValue, tag: -1, count, elementType);

    private static unsafe long Bytes<T>(long count) where T : unmanaged => count * sizeof(T);

    private static ReduceKernel<T> KernelOf<T>(ReduceOp op) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(op);
        return op.KernelFor<T>();
    }

    private void CheckRoot(int root)
    {
        if ((uint)root >= (uint)Size)
            throw new ArgumentOutOfRangeException(nameof(root), root, $"root {root} is outside communicator '{Name}' of size {Size}");
    }

    private static void CheckRoom(long have, long need, string parameter, string what)
    {
        if (have < need)
            throw new ArgumentException($"{parameter} holds {have} elements but {need} are needed ({what})", parameter);
    }

    /// <summary>Checks one non-negative count per rank and returns their sum.</summary>
    private long CheckCounts(ReadOnlySpan<int> counts, string parameter)
    {
        if (counts.Length != Size)
            throw new ArgumentException($"{parameter} has {counts.Length} entries but communicator '{Name}' has {Size} ranks", parameter);
        long total = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] < 0)
                throw new ArgumentException($"{parameter}[{i}] is {counts[i]}; counts cannot be negative", parameter);
            total += counts[i];
        }
        if (total > Array.MaxLength)
            throw new ArgumentException($"{parameter} add up to {total} elements, more than one buffer can hold", parameter);
        return total;
    }

    /// <summary>Checks that each rank's block lies inside a buffer of <paramref name="length"/> elements.</summary>
    private static void CheckDisplacements(ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements, int length, string parameter, string buffer)
    {
        if (displacements.Length != counts.Length)
            throw new ArgumentException($"{parameter} has {displacements.Length} entries but there are {counts.Length} counts", parameter);
        for (int i = 0; i < counts.Length; i++)
        {
            if (displacements[i] < 0 || (long)displacements[i] + counts[i] > length)
                throw new ArgumentException(
                    $"{parameter}[{i}] = {displacements[i]} with count {counts[i]} does not fit in {buffer} of {length} elements", parameter);
        }
    }

    private static void CheckSameOrDisjoint<T>(ReadOnlySpan<T> send, ReadOnlySpan<T> receive)
    {
        if (send.Overlaps(receive, out int offset) && offset != 0)
            throw new ArgumentException("the send and receive buffers overlap without being the same memory", nameof(receive));
    }
}
