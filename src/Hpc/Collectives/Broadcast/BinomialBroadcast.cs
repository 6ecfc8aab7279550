namespace Hpc.Collectives.Broadcast;

/// <summary>
/// Binomial-tree broadcast. Ranks are renumbered relative to the root; relative rank v receives
/// from v minus its lowest set bit, then sends to v + 2^k for every 2^k below that bit, largest
/// first. ⌈log2 n⌉ rounds, each moving the whole message; the choice for small messages.
/// </summary>
internal static unsafe class BinomialBroadcast
{
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, int root) where T : unmanaged
    {
        int size = context.Size;
        if (size == 1)
            return;
        int relative = Blocks.Mod(context.Rank - root, size);
        int mask = 1;
        while (mask < size)
        {
            if ((relative & mask) != 0)
            {
                context.Receive((relative - mask + root) % size, tag, data);
                break;
            }
            mask <<= 1;
        }

        // Children are served concurrently: the whole subtree starts forwarding sooner.
        var sends = new List<Request>();
        long bytes = (long)data.Length * sizeof(T);
        fixed (T* pointer = data)
        {
            for (mask >>= 1; mask > 0; mask >>= 1)
            {
                if (relative + mask < size)
                    sends.Add(context.StartSend((relative + mask + root) % size, tag, (byte*)pointer, bytes));
            }
            Request.WaitAll(CollectionsMarshal.AsSpan(sends));
        }
    }
}
