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
        int rank = context.Rank;
        int count = data.Length;
        long bytes = (long)count * sizeof(T);
        T[] all = ArrayPool<T>.Shared.Rent(checked(count * size));
        var receives = new Request?[size];
        var sends = new Request?[size];
        bool finished = false;
        try
        {
            // This rank's own vector takes its place among the others: every rank then combines
            // the same slots in the same order.
            data.CopyTo(all.AsSpan(rank * count, count));
            fixed (T* slots = all)
            {
                for (int source = 0; source < size; source++)
                {
                    if (source != rank)
                        receives[source] = context.StartReceive(source, tag, (byte*)(slots + source * count), bytes);
                }
                // Start with the next rank up, so the ranks do not all send to rank 0 first.
                for (int step = 1; step < size; step++)
                {
                    int dest = (rank + step) % size;
                    sends[dest] = context.StartSend(dest, tag, (byte*)(slots + rank * count), bytes);
                }
                for (int source = 0; source < size; source++)
                {
                    if (receives[source] is { } receive)
                        context.WaitReceive(receive, bytes, source);
                }
                foreach (Request? send in sends)
                {
                    if (send is { IsCompleted: false })
                        send.Wait();
                }
                finished = true;
            }
            all.AsSpan(0, count).CopyTo(data);
            for (int source = 1; source < size; source++)
                kernel.CombineHigher(data, all.AsSpan(source * count, count));
        }
        finally
        {
            if (!finished)
                context.AbandonReceives(receives);
            // A failed exchange may leave a send reading the pool's array: keep it out of the pool then.
            if (finished)
                ArrayPool<T>.Shared.Return(all);
        }
    }
}
