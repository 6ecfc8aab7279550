namespace Hpc.Collectives.SharedMemory;

/// <summary>
/// Broadcast through the root's shared buffer: the root copies a chunk in and publishes it;
/// every other rank copies it straight out. One write and one read of the data per rank,
/// chunk by chunk through the two buffers, so copying in and copying out overlap. Broadcasts
/// that fit a slot go through the root's next slot instead, which lets the root run ahead of
/// its readers (see <see cref="SharedCollectiveArea"/>).
/// </summary>
internal static class SharedMemoryBroadcast
{
    public static void Run<T>(SharedCollectiveArea area, Span<T> data, int root) where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(data);
        if (bytes.Length <= SharedCollectiveArea.SlotPayloadBytes)
        {
            RunInSlot(area, bytes, root);
            return;
        }
        long offset = 0;
        do
        {
            int chunk = (int)Math.Min(SharedCollectiveArea.BufferBytes, bytes.Length - offset);
            // Each side waits about one copy of the chunk for the other (the root for the readers
            // to empty the buffer it reuses, a reader for the root to fill it): poll that long too.
            long step = area.BeginStep(chunk);
            if (area.Rank == root)
            {
                bytes.Slice((int)offset, chunk).CopyTo(area.OwnBuffer(step, chunk));
                area.Publish(step);
            }
            else
            {
                area.WaitFor(root, step, chunk);
                area.BufferOf(root, step, chunk).CopyTo(bytes.Slice((int)offset, chunk));
                area.Publish(step);
            }
            offset += chunk;
        }
        while (offset < bytes.Length);
    }

    private static void RunInSlot(SharedCollectiveArea area, Span<byte> bytes, int root)
    {
        long sequence = area.BeginSmall(writes: area.Rank == root);
        if (area.Rank == root)
        {
            bytes.CopyTo(area.OwnSlot(sequence, bytes.Length));
            area.PublishSlot(sequence);
        }
        else
        {
            area.SlotOf(root, sequence, bytes.Length).CopyTo(bytes);
        }
        area.EndSmall(sequence);
    }
}
