using System.Buffers;
using Hpc.Reduction;

namespace Hpc.Collectives.Allreduce;

/// <summary>
/// Direct exchange: every rank sends its whole vector to every other rank at once, then each
/// combines all of them itself. One round of messages where recursive doubling takes ⌈log2 n⌉
/// (and two more for a size that is not a power of two), at the price of n − 1 sends per rank:
/// the choice for small vectors among a few ranks whose every round is expensive — the leaders
/// of three hosts, whose round is a network hop plus a wake-up.
/// </summary>
/// <remarks>
/// Every rank combines the same n vectors in the same order, x0 ∘ x1 ∘ … ∘ x(n−1), so the
/// results are bit-identical everywhere and rank order holds for non-commutative operations.
/// Memory: n vectors per rank, which is why the table picks it for small vectors only.
/// </remarks>
internal static unsafe class DirectAllreduce
{
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        int size = context.Size;
        int count = data.Length;
        T[] all = ArrayPool<T>.Shared.Rent(checked(count * size));
        // This rank's own vector takes its place among the others: every rank then combines the
        // same slots in the same order.
        data.CopyTo(all.AsSpan(context.Rank * count, count));
        fixed (T* slots = all)
            context.ExchangeWithAll((byte*)(slots + context.Rank * count), (byte*)slots, (long)count * sizeof(T), tag);
        // Returned only after a complete exchange: a failed one may leave a send reading the array.
        all.AsSpan(0, count).CopyTo(data);
        for (int source = 1; source < size; source++)
            kernel.CombineHigher(data, all.AsSpan(source * count, count));
        ArrayPool<T>.Shared.Return(all);
    }
}
