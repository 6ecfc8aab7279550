using Hpc.Diagnostics;
using Hpc.Collectives;
using Hpc.Collectives.Allgather;
using Hpc.Collectives.Alltoall;
using Hpc.Collectives.Gather;
using Hpc.Collectives.Scatter;
using Hpc.Messaging;

namespace Hpc;

// Collectives that move blocks without combining them: Gather(v), Scatter(v), Allgather(v),
// Alltoall(v). Blocks are laid out in rank order. The v-forms take one count per rank and,
// optionally, displacements (where each block starts); without displacements the blocks are
// packed back to back.
public sealed partial class Communicator
{
    // ------------------------------------------------------------------ gather

    /// <summary>
    /// Collects every rank's <paramref name="send"/> into the root's <paramref name="receive"/>,
    /// rank r's block at offset r × send.Length (MPI_Gather). All ranks send the same count;
    /// <paramref name="receive"/> is only used at the root (others may pass an empty span).
    /// </summary>
    /// <exception cref="ArgumentException">At the root, <paramref name="receive"/> holds fewer than Size × send.Length elements.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank of this communicator.</exception>
    public void Gather<T>(ReadOnlySpan<T> send, Span<T> receive, int root, GatherAlgorithm algorithm = GatherAlgorithm.Auto) where T : unmanaged
        => RunGather(PrepareGather<T>(send.Length, receive.Length, root, algorithm, blocking: true), send, receive);

    /// <summary>
    /// Gathers one value per rank: the root gets an array indexed by rank; other ranks get an
    /// empty array (never null, so the result can always be enumerated).
    /// </summary>
    public T[] Gather<T>(T value, int root) where T : unmanaged => Gather(new ReadOnlySpan<T>(in value), root);

    /// <summary>
    /// Gathers every rank's <paramref name="send"/> (same length everywhere) into a new array at
    /// the root, in rank order; other ranks get an empty array.
    /// </summary>
    public T[] Gather<T>(ReadOnlySpan<T> send, int root) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        T[] result = Rank == root ? new T[checked(send.Length * Size)] : [];
        Gather(send, result, root);
        return result;
    }

    private void RunGather<T>(in GatherCall prepared, ReadOnlySpan<T> send, Span<T> receive) where T : unmanaged
    {
        (int tag, int root, GatherAlgorithm algorithm) = prepared;
        using CallTracker.Scope call = BeginCollective<T>(CallKind.Gather, tag, send.Length, root);
        call.Algorithm(algorithm);
        if (algorithm == GatherAlgorithm.Binomial)
            BinomialGather.Run(Collective, tag, send, receive, root);
        else
            LinearGather.Run(Collective, tag, send, receive, root);
    }

    /// <summary>
    /// Gathers blocks of different sizes (MPI_Gatherv): rank r sends <paramref name="send"/>,
    /// which must hold exactly <paramref name="counts"/>[r] elements, and the root places it at
    /// <paramref name="displacements"/>[r] in <paramref name="receive"/>. Counts, displacements
    /// and receive are only used at the root. Always linear: only the root knows the counts.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// At the root: counts or displacements do not have one entry per rank, a count is negative,
    /// a block does not fit in <paramref name="receive"/>, or the root's own count differs from
    /// send.Length.
    /// </exception>
    public void Gatherv<T>(ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements, int root) where T : unmanaged
    {
        using CallTracker.Scope call = BeginRootedVector<T>(CallKind.Gatherv, counts, displacements, root, receive.Length, nameof(receive),
            send.Length, "the root sends", out int tag);
        LinearGather.Run(Collective, tag, send, receive, counts, displacements, root);
    }

    /// <summary>Gatherv with the blocks packed back to back in rank order at the root.</summary>
    public void Gatherv<T>(ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts, int root) where T : unmanaged
        => Gatherv(send, receive, counts, PackedAtRoot(counts, root), root);

    // ------------------------------------------------------------------ scatter

    /// <summary>
    /// Hands rank r the r-th block of the root's <paramref name="send"/> (MPI_Scatter); the block
    /// size is <paramref name="receive"/>.Length, the same on every rank. <paramref name="send"/>
    /// is only used at the root.
    /// </summary>
    /// <exception cref="ArgumentException">At the root, <paramref name="send"/> holds fewer than Size × receive.Length elements.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank of this communicator.</exception>
    public void Scatter<T>(ReadOnlySpan<T> send, Span<T> receive, int root, ScatterAlgorithm algorithm = ScatterAlgorithm.Auto) where T : unmanaged
        => RunScatter(PrepareScatter<T>(send.Length, receive.Length, root, algorithm, blocking: true), send, receive);

    /// <summary>Hands rank r the root's <paramref name="values"/>[r] (MPI_Scatter of one element each); only the root's values are read.</summary>
    public T Scatter<T>(ReadOnlySpan<T> values, int root) where T : unmanaged
    {
        T value = default;
        Scatter(values, new Span<T>(ref value), root);
        return value;
    }

    private void RunScatter<T>(in ScatterCall prepared, ReadOnlySpan<T> send, Span<T> receive) where T : unmanaged
    {
        (int tag, int root, ScatterAlgorithm algorithm) = prepared;
        using CallTracker.Scope call = BeginCollective<T>(CallKind.Scatter, tag, receive.Length, root);
        call.Algorithm(algorithm);
        if (algorithm == ScatterAlgorithm.Binomial)
            BinomialScatter.Run(Collective, tag, send, receive, root);
        else
            LinearScatter.Run(Collective, tag, send, receive, root);
    }

    /// <summary>
    /// Scatters blocks of different sizes (MPI_Scatterv): rank r receives the
    /// <paramref name="counts"/>[r] elements at <paramref name="displacements"/>[r] of the root's
    /// <paramref name="send"/>. <paramref name="receive"/>.Length is this rank's count and must
    /// equal counts[r]. Counts, displacements and send are only used at the root. Always linear.
    /// </summary>
    public void Scatterv<T>(ReadOnlySpan<T> send, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements, Span<T> receive, int root) where T : unmanaged
    {
        using CallTracker.Scope call = BeginRootedVector<T>(CallKind.Scatterv, counts, displacements, root, send.Length, nameof(send),
            receive.Length, "the root's receive buffer holds", out int tag);
        LinearScatter.Run(Collective, tag, send, counts, displacements, receive, root);
    }

    /// <summary>Scatterv with the blocks packed back to back in rank order in the root's <paramref name="send"/>.</summary>
    public void Scatterv<T>(ReadOnlySpan<T> send, ReadOnlySpan<int> counts, Span<T> receive, int root) where T : unmanaged
        => Scatterv(send, counts, PackedAtRoot(counts, root), receive, root);

    // ------------------------------------------------------------------ allgather

    /// <summary>
    /// Collects every rank's <paramref name="send"/> into every rank's <paramref name="receive"/>,
    /// rank r's block at offset r × send.Length (MPI_Allgather). All ranks send the same count.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="receive"/> holds fewer than Size × send.Length elements.</exception>
    public void Allgather<T>(ReadOnlySpan<T> send, Span<T> receive, AllgatherAlgorithm algorithm = AllgatherAlgorithm.Auto) where T : unmanaged
        => RunAllgather(PrepareAllgather<T>(send.Length, receive.Length, algorithm, blocking: true), send, receive);

    /// <summary>Gathers one value per rank onto every rank, indexed by rank (MPI_Allgather).</summary>
    public T[] Allgather<T>(T value) where T : unmanaged => Allgather(new ReadOnlySpan<T>(in value));

    /// <summary>Gathers every rank's <paramref name="send"/> (same length everywhere) onto every rank as a new array, in rank order.</summary>
    public T[] Allgather<T>(ReadOnlySpan<T> send) where T : unmanaged
    {
        CheckUsable();
        var result = new T[checked(send.Length * Size)];
        Allgather(send, result);
        return result;
    }

    /// <summary>
    /// Collects blocks of different sizes onto every rank (MPI_Allgatherv): rank r contributes
    /// <paramref name="send"/>, exactly <paramref name="counts"/>[r] elements, placed at
    /// <paramref name="displacements"/>[r] of every rank's <paramref name="receive"/>. Counts and
    /// displacements are the same on every rank.
    /// </summary>
    public void Allgatherv<T>(ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements,
        AllgatherAlgorithm algorithm = AllgatherAlgorithm.Auto) where T : unmanaged
        => RunAllgather(PrepareAllgatherv<T>(send.Length, receive.Length, counts, displacements, algorithm, blocking: true), send, receive);

    /// <summary>Allgatherv with the blocks packed back to back in rank order.</summary>
    public void Allgatherv<T>(ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts, AllgatherAlgorithm algorithm = AllgatherAlgorithm.Auto)
        where T : unmanaged
    {
        CheckUsable();
        CheckCounts(counts, nameof(counts));
        Allgatherv(send, receive, counts, Blocks.Packed(counts), algorithm);
    }

    private void RunAllgather<T>(in AllgatherCall prepared, ReadOnlySpan<T> send, Span<T> receive) where T : unmanaged
    {
        (int tag, bool uniform, int[] counts, int[] displacements, AllgatherAlgorithm algorithm) = prepared;
        CallKind kind = uniform ? CallKind.Allgather : CallKind.Allgatherv;
        // MPI_Allgather needs one count on every rank, so checking compares it; Allgatherv's
        // counts differ by rank, but every rank must pass the same counts array.
        using CallTracker.Scope call = BeginCollective<T>(kind, tag, send.Length, vector: uniform ? default : counts);
        call.Algorithm(algorithm);
        if (algorithm == AllgatherAlgorithm.Hierarchical)
        {
            Collectives.Hierarchical.HierarchicalAllgather.Run(Hierarchy, send, receive, counts, displacements);
            return;
        }
        if (algorithm == AllgatherAlgorithm.Bruck)
        {
            BruckAllgather.Run(Collective, tag, send, receive, counts, displacements);
            return;
        }
        send.CopyTo(receive.Slice(displacements[Rank], counts[Rank]));
        RingAllgather.Run(Collective, tag, receive, displacements, counts);
    }

    // ------------------------------------------------------------------ alltoall

    /// <summary>
    /// Personalized exchange (MPI_Alltoall): <paramref name="send"/> holds Size equal blocks, block
    /// d for rank d; rank s's block for this rank lands at block s of <paramref name="receive"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// send.Length is not a multiple of Size, or <paramref name="receive"/> is shorter than <paramref name="send"/>.
    /// </exception>
    public void Alltoall<T>(ReadOnlySpan<T> send, Span<T> receive, AlltoallAlgorithm algorithm = AlltoallAlgorithm.Auto) where T : unmanaged
        => RunAlltoall(PrepareAlltoall(send, receive, algorithm, blocking: true), send, receive);

    /// <summary>Alltoall into a new array (same length as <paramref name="send"/>).</summary>
    public T[] Alltoall<T>(ReadOnlySpan<T> send) where T : unmanaged
    {
        var result = new T[send.Length];
        Alltoall(send, result);
        return result;
    }

    private void RunAlltoall<T>(in AlltoallCall prepared, ReadOnlySpan<T> send, Span<T> receive) where T : unmanaged
    {
        (int tag, int block, AlltoallAlgorithm algorithm) = prepared;
        using CallTracker.Scope call = BeginCollective<T>(CallKind.Alltoall, tag, send.Length);
        call.Algorithm(algorithm);
        if (algorithm == AlltoallAlgorithm.Bruck)
        {
            BruckAlltoall.Run(Collective, tag, send, receive, block);
            return;
        }
        int[] counts = Blocks.Uniform(Size, block);
        int[] displacements = Blocks.Packed(counts);
        PairwiseAlltoall.Run(Collective, tag, send, counts, displacements, receive, counts, displacements);
    }

    /// <summary>
    /// Personalized exchange with blocks of different sizes (MPI_Alltoallv): this rank sends
    /// <paramref name="sendCounts"/>[d] elements from <paramref name="sendDisplacements"/>[d] to
    /// rank d, and receives <paramref name="receiveCounts"/>[s] elements from rank s at
    /// <paramref name="receiveDisplacements"/>[s]. sendCounts[d] on this rank must equal
    /// receiveCounts[this rank] on rank d. Pairwise exchange.
    /// </summary>
    public void Alltoallv<T>(ReadOnlySpan<T> send, ReadOnlySpan<int> sendCounts, ReadOnlySpan<int> sendDisplacements,
        Span<T> receive, ReadOnlySpan<int> receiveCounts, ReadOnlySpan<int> receiveDisplacements) where T : unmanaged
    {
        CheckUsable();
        CheckCounts(sendCounts, nameof(sendCounts));
        CheckCounts(receiveCounts, nameof(receiveCounts));
        CheckDisplacements(sendCounts, sendDisplacements, send.Length, nameof(sendDisplacements), nameof(send));
        CheckDisplacements(receiveCounts, receiveDisplacements, receive.Length, nameof(receiveDisplacements), nameof(receive));
        if (sendCounts[Rank] != receiveCounts[Rank])
            throw new ArgumentException($"{nameof(sendCounts)}[{Rank}] is {sendCounts[Rank]} but {nameof(receiveCounts)}[{Rank}] is {receiveCounts[Rank]}; a rank's block to itself must match", nameof(receiveCounts));
        int tag = Collective.NextTag();
        // Rank 0 checks that what each rank sends to d is what d expects from it.
        using CallTracker.Scope call = BeginCollective<T>(CallKind.Alltoallv, tag, send.Length, vector: sendCounts, secondVector: receiveCounts);
        PairwiseAlltoall.Run(Collective, tag, send, sendCounts, sendDisplacements, receive, receiveCounts, receiveDisplacements);
    }

    /// <summary>Alltoallv with the blocks packed back to back in rank order in both buffers.</summary>
    public void Alltoallv<T>(ReadOnlySpan<T> send, ReadOnlySpan<int> sendCounts, Span<T> receive, ReadOnlySpan<int> receiveCounts) where T : unmanaged
    {
        CheckUsable();
        CheckCounts(sendCounts, nameof(sendCounts));
        CheckCounts(receiveCounts, nameof(receiveCounts));
        Alltoallv(send, sendCounts, Blocks.Packed(sendCounts), receive, receiveCounts, Blocks.Packed(receiveCounts));
    }
}
