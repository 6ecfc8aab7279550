using Hpc.Collectives;
using Hpc.Diagnostics;
using Hpc.Messaging;
using Hpc.Reduction;

namespace Hpc;

// Argument checks and helpers shared by every collective. Each check throws one exception that
// names the argument and its value, before any message is sent, so a bad call leaves the
// communicator usable.
public sealed partial class Communicator
{
    private CollectiveConfiguration Configuration => Runtime.Options.Collectives;

    /// <summary>
    /// Records the collective this thread is in, numbered by its <paramref name="tag"/> (every
    /// member draws the same sequence), for mpirun's hang and desync report ("Allreduce #184
    /// (count=1024, float, op=sum) on world, waiting for rank 5"), the profile and the trace.
    /// </summary>
    private CallTracker.Scope TrackCollective<T>(CallKind kind, int tag, long count, int root = -1, string? op = null) where T : unmanaged =>
        Runtime.Calls.Enter<T>(kind, this, peer: int.MinValue, tag: int.MinValue, count, tag, root, op);

    /// <summary>
    /// The start every collective's run shares: the call is recorded (<see cref="TrackCollective{T}"/>)
    /// and, under --check, compared across ranks (<see cref="CheckConsistency{T}"/>) before any
    /// data moves, with the same description in both. Dispose the scope when the call returns;
    /// if the check fails, the record is ended here and the exception goes to the caller.
    /// </summary>
    private CallTracker.Scope BeginCollective<T>(CallKind kind, int tag, long count, int root = -1, string? op = null,
        ReadOnlySpan<int> vector = default, ReadOnlySpan<int> secondVector = default) where T : unmanaged
    {
        CallTracker.Scope call = TrackCollective<T>(kind, tag, count, root, op);
        try
        {
            CheckConsistency<T>(kind, tag, count, root, op, vector, secondVector);
        }
        catch
        {
            call.Dispose();
            throw;
        }
        return call;
    }

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
