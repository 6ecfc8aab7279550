namespace Hpc.Collectives.Allgather;

/// <summary>
/// Bruck's allgather (also Allgatherv): each rank keeps the blocks rotated so that its own comes
/// first; in round k it sends its first min(2^k, n − 2^k) blocks to rank − 2^k and appends as
/// many from rank + 2^k. ⌈log2 n⌉ rounds for any n — the choice for small messages — then one
/// local rotation puts the blocks in rank order.
/// </summary>
internal static class BruckAllgather
{
    public static void Run<T>(CollectiveContext context, int tag, ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements)
        where T : unmanaged
    {
        (int size, int rank) = (context.Size, context.Rank);
        // start[i]: offset in the rotated buffer of the block of rank (rank + i) mod n.
        var start = new int[size + 1];
        for (int i = 0; i < size; i++)
            start[i + 1] = checked(start[i] + counts[(rank + i) % size]);
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(start[size]);
        Span<T> rotated = scratch.Span;
        send.CopyTo(rotated);

        for (int distance = 1; distance < size; distance <<= 1)
        {
            int blocks = Math.Min(distance, size - distance);
            context.SendReceive(
                Blocks.Mod(rank - distance, size), rotated[..start[blocks]],
                (rank + distance) % size, rotated[start[distance]..start[distance + blocks]],
                tag);
        }

        for (int i = 0; i < size; i++)
        {
            int owner = (rank + i) % size;
            rotated[start[i]..start[i + 1]].CopyTo(receive.Slice(displacements[owner], counts[owner]));
        }
    }
}
