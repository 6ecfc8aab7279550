using System.Runtime.ExceptionServices;
using Hpc.Reduction;
using Hpc.Tasks;

namespace Hpc;

// Shared arrays on a host (MPI-3 shared-memory windows) and the broadcast that keeps one copy
// per host. Both are collective over this communicator and must be called in the same order on
// every rank, as every collective. Their argument checks run on every rank from gathered values,
// so a bad count on one rank makes every rank throw the same ArgumentException instead of
// leaving the others waiting in a collective the bad rank never reaches.
public sealed partial class Communicator
{
    /// <summary>Bytes the leaders broadcast at a time: large enough to pipeline, small enough for any message path.</summary>
    private const int SharedBroadcastChunkBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Allocates an array shared by the ranks of each host (MPI_Comm_split_type SHARED, then
    /// MPI_Win_allocate_shared): this rank's slice holds <paramref name="localCount"/> elements,
    /// and every rank of the host sees all slices of the host's block, zero-filled, in host-rank
    /// order. Ranks on different hosts get their own host's block. Collective.
    /// </summary>
    /// <param name="localCount">Elements of this rank's slice, 0 or more (may differ between ranks).</param>
    /// <exception cref="ArgumentException">
    /// On every rank: some rank's <paramref name="localCount"/> is negative, or a host's slices add up
    /// to more than <see cref="int.MaxValue"/> elements.
    /// </exception>
    /// <exception cref="HpcException">The host's block could not be created or mapped (e.g. /dev/shm is full).</exception>
    public SharedArray<T> AllocateShared<T>(int localCount) where T : unmanaged
    {
        CheckUsable();
        int[] counts = Allgather(localCount);
        for (int r = 0; r < Size; r++)
        {
            if (counts[r] < 0)
                throw new ArgumentException($"localCount is {counts[r]} on rank {r} of '{Name}'; a shared array's slice holds 0 or more elements", nameof(localCount));
        }
        // Every rank checks every host's total, so all of them throw alike.
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int r = 0; r < Size; r++)
        {
            string hostName = Runtime.Hosts[WorldRankOf(r)];
            long total = totals.GetValueOrDefault(hostName) + counts[r];
            if (total > int.MaxValue)
                throw new ArgumentException($"the slices of the ranks on host {hostName} add up to more than {int.MaxValue} elements, the most a shared array (a Span) holds", nameof(localCount));
            totals[hostName] = total;
        }
        Communicator host = SplitByHost();
        // SplitByHost keeps the order here, so host rank i is the i-th of this host's ranks.
        int[] hostCounts = [.. Enumerable.Range(0, Size).Where(r => Runtime.Hosts[WorldRankOf(r)] == Runtime.Hosts[WorldRankOf(Rank)]).Select(r => counts[r])];
        return AllocateOn<T>(host, hostCounts);
    }

    /// <summary>
    /// Broadcasts the root's <paramref name="data"/> once per host (Ray's per-node object store):
    /// the root copies it into its host's shared block, one leader per other host receives it
    /// straight into that host's block, and every rank reads its host's copy in place. N ranks on a
    /// host hold one copy there, not N. Collective.
    /// </summary>
    /// <param name="data">The data, read on the root only; other ranks may pass an empty span.</param>
    /// <param name="root">Rank that holds the data.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank here.</exception>
    public SharedReadOnlyArray<T> BroadcastShared<T>(ReadOnlySpan<T> data, int root) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        int length = Broadcast(Rank == root ? data.Length : 0, root);
        SharedArray<T> array = AllocateForBroadcast<T>(length, root);
        if (Rank == root)
            data.CopyTo(array.Whole);
        return FinishSharedBroadcast(array, root);
    }

    /// <summary>
    /// <see cref="BroadcastShared{T}(ReadOnlySpan{T}, int)"/> where the root writes the data
    /// straight into its host's shared block with <paramref name="fill"/> (e.g. reads a file into
    /// it), so not even the root keeps a private copy. Collective.
    /// </summary>
    /// <param name="length">Elements of the data, 0 or more, the same on every rank.</param>
    /// <param name="root">Rank that runs <paramref name="fill"/>.</param>
    /// <param name="fill">Called on the root only, with the zero-filled block of <paramref name="length"/> elements.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank here.</exception>
    /// <exception cref="ArgumentException">On every rank: the root's length is negative, or some rank passed another length.</exception>
    /// <exception cref="HpcException">On the ranks other than the root, when <paramref name="fill"/> threw there (the root rethrows its exception).</exception>
    public SharedReadOnlyArray<T> BroadcastShared<T>(int length, int root, SharedArrayFill<T> fill) where T : unmanaged
    {
        CheckUsable();
        CheckRoot(root);
        if (Rank == root)
            ArgumentNullException.ThrowIfNull(fill);
        int rootLength = Broadcast(length, root);
        int disagree = Allreduce(length != rootLength ? Rank : -1, ReduceOp.Max);
        if (rootLength < 0)
            throw new ArgumentException($"length is {rootLength} at root {root} of '{Name}'; it must be 0 or more", nameof(length));
        if (disagree >= 0)
            throw new ArgumentException($"length differs between ranks of '{Name}': root {root} passed {rootLength}, rank {disagree} another; every rank must pass the same", nameof(length));
        SharedArray<T> array = AllocateForBroadcast<T>(length, root);
        ExceptionDispatchInfo? failure = null;
        if (Rank == root)
        {
            try
            {
                fill(array.Whole);
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }
        if (Broadcast(failure is null ? 0 : 1, root) != 0)
        {
            array.Dispose();
            failure?.Throw();
            throw new HpcException($"BroadcastShared on '{Name}': the fill delegate threw at root {root}; see its error");
        }
        return FinishSharedBroadcast(array, root);
    }

    /// <summary>
    /// The host blocks of a broadcast: the whole block is the slice of one writer per host (the
    /// root on its host, which the key puts first there; host rank 0 elsewhere).
    /// </summary>
    private SharedArray<T> AllocateForBroadcast<T>(int length, int root) where T : unmanaged
    {
        Communicator host = SplitByHost(key: Rank == root ? -1 : 0);
        var counts = new int[host.Size];
        counts[0] = length;
        return AllocateOn<T>(host, counts);
    }

    /// <summary>The writers (root first) pass the root's block to every other host's block; then the host fence.</summary>
    private SharedReadOnlyArray<T> FinishSharedBroadcast<T>(SharedArray<T> array, int root) where T : unmanaged
    {
        // No clean-up on failure here: Dispose is collective, and a rank that failed alone would hang in it.
        using (Communicator? writers = Split(array.Host.Rank == 0 ? 0 : Undefined, Rank == root ? -1 : Rank))
        {
            if (writers is not null && writers.Size > 1)
            {
                Span<T> whole = array.Whole;
                int chunk = Math.Max(1, SharedBroadcastChunkBytes / System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
                for (int start = 0; start < whole.Length; start += chunk)
                    writers.Broadcast(whole.Slice(start, Math.Min(chunk, whole.Length - start)), root: 0);
            }
        }
        array.Fence();
        return new SharedReadOnlyArray<T>(array);
    }

    private static unsafe SharedArray<T> AllocateOn<T>(Communicator host, int[] counts) where T : unmanaged
    {
        try
        {
            long elements = counts.Sum(c => (long)c);
            HostBlock block = HostBlock.Allocate(host, elements * sizeof(T));
            return new SharedArray<T>(host, block, counts);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
