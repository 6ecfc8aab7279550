using Hpc.Diagnostics;
using Hpc.Collectives;
using Hpc.Collectives.ReduceScatter;
using Hpc.Collectives.Scan;
using Hpc.Messaging;
using Hpc.Reduction;
using CollectiveKind = Hpc.Collective;

namespace Hpc;

// Reductions that hand each rank a different part or prefix of the result: Scan, Exscan,
// ReduceScatter, ReduceScatterBlock. Like every collective they must be called by every rank, in
// the same order, with matching counts (Scan and Exscan: the same count on every rank).
public sealed partial class Communicator
{
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
        CallKind kind = exclusive ? CallKind.Exscan : CallKind.Scan;
        CheckUsable();
        CheckRoom(receive.Length, send.Length, nameof(receive), $"the length of {nameof(send)}");
        CheckSameOrDisjoint(send, receive);
        ReduceKernel<T> kernel = KernelOf<T>(op);
        int tag = Collective.NextTag();
        using CallTracker.Scope call = BeginCollective<T>(kind, tag, send.Length, op: kernel.Name);
        RecursiveDoublingScan.Run(Collective, tag, send, receive[..send.Length], kernel, exclusive);
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
        var chosen = (ReduceScatterAlgorithm)Select(CollectiveKind.ReduceScatter, (int)algorithm, Bytes<T>(total), kernel.IsCommutative, blocking: true);
        RunReduceScatter(Collective.NextTag(), send[..(int)total], receive, counts.ToArray(), kernel, chosen);
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

    private void RunReduceScatter<T>(int tag, ReadOnlySpan<T> send, Span<T> receive, int[] counts, ReduceKernel<T> kernel, ReduceScatterAlgorithm algorithm)
        where T : unmanaged
    {
        // The counts must be the same array on every rank.
        using CallTracker.Scope call = BeginCollective<T>(CallKind.ReduceScatter, tag, send.Length, op: kernel.Name, vector: counts);
        call.Algorithm(algorithm);
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
}
