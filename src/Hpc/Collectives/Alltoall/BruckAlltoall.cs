namespace Hpc.Collectives.Alltoall;

/// <summary>
/// Bruck's alltoall (equal blocks): rotate the blocks so the one for rank + i sits at index i;
/// in round k send every block whose index has bit k set to rank + 2^k (packed into one
/// message) and put what rank − 2^k sends in the same slots; finally block i, now from rank − i,
/// goes to its place. ⌈log2 n⌉ messages per rank instead of n − 1, each about half the data:
/// the choice for small blocks on many ranks.
/// </summary>
internal static class BruckAlltoall
{
    public static void Run<T>(CollectiveContext context, int tag, ReadOnlySpan<T> send, Span<T> receive, int block) where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(size * block * 2);
        Span<T> rotated = scratch.Span[..(size * block)];
        Span<T> packed = scratch.Span[(size * block)..];
        int lead = rank * block;
        send[lead..(size * block)].CopyTo(rotated);
        send[..lead].CopyTo(rotated[(size * block - lead)..]);

        for (int bit = 1; bit < size; bit <<= 1)
        {
            int moved = 0;
            for (int i = bit; i < size; i++)
            {
                if ((i & bit) != 0)
                    rotated.Slice(i * block, block).CopyTo(packed.Slice(moved++ * block, block));
            }
            Span<T> outgoing = packed[..(moved * block)];
            Span<T> incoming = packed.Slice(moved * block, moved * block);
            context.SendReceive((rank + bit) % size, outgoing, Blocks.Mod(rank - bit, size), incoming, tag);
            moved = 0;
            for (int i = bit; i < size; i++)
            {
                if ((i & bit) != 0)
                    incoming.Slice(moved++ * block, block).CopyTo(rotated.Slice(i * block, block));
            }
        }

        for (int i = 0; i < size; i++)
            rotated.Slice(i * block, block).CopyTo(receive.Slice(Blocks.Mod(rank - i, size) * block, block));
    }
}
