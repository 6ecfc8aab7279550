using Hpc.Reduction;

namespace Hpc.Collectives;

/// <summary>
/// The segment pipeline every ring-shaped algorithm runs on (ring reduce-scatter, ring
/// allgather, the ordered chain reduce): a rank sends a block of its own data to the right in
/// segments, receives a sequence of segments from the left, and forwards each received segment
/// to the right the moment it is ready, while later segments are still arriving. Transfer (and
/// reduction) of neighbouring segments overlap, and a large block never hops the ring whole.
/// </summary>
/// <remarks>
/// Two ways to receive: with a kernel, segments land in a few scratch slots (received
/// <see cref="ReceiveDepth"/> ahead) and are folded into the data in place, the left neighbour's
/// partial on the left (<see cref="ReduceKernel{T}.CombineLower"/>); without one they land in
/// place, and all receives are posted up front since they target distinct parts of the buffer,
/// so arriving data never waits in the unexpected queue.
/// </remarks>
internal static unsafe class SegmentPipeline
{
    /// <summary>
    /// Pipeline segment. Measured best among 64 KiB … 1 MiB on shared memory (4 ranks); it is
    /// also the size of NCCL's ring chunks (4 MiB buffer in 8 steps).
    /// </summary>
    public const int SegmentBytes = 512 * 1024;

    /// <summary>Segments received ahead of the one being reduced.</summary>
    private const int ReceiveDepth = 3;

    /// <summary>A piece of the data, in elements; <see cref="Forward"/>: sent on to the right once received (and reduced).</summary>
    public readonly record struct Segment(int Offset, int Length, bool Forward);

    /// <summary>Segment length in elements of <typeparamref name="T"/>.</summary>
    public static int SegmentLength<T>() where T : unmanaged => Math.Max(1, SegmentBytes / sizeof(T));

    /// <summary>Appends the segments of the block at <paramref name="offset"/> of <paramref name="length"/> elements.</summary>
    public static void AddSegments(List<Segment> segments, int offset, int length, int segment, bool forward)
    {
        for (int o = 0; o < length; o += segment)
            segments.Add(new Segment(offset + o, Math.Min(segment, length - o), forward));
    }

    /// <summary>
    /// Sends the block at <paramref name="ownOffset"/> (<paramref name="ownLength"/> elements) of
    /// <paramref name="data"/> to <paramref name="right"/>, receives <paramref name="incoming"/>
    /// from <paramref name="left"/> in order — folded into <paramref name="data"/> with
    /// <paramref name="kernel"/>, or copied in place when it is null — and forwards the segments
    /// so marked. Returns once every send has completed.
    /// </summary>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, int left, int right, int ownOffset, int ownLength,
        List<Segment> incoming, ReduceKernel<T>? kernel) where T : unmanaged
    {
        int segment = SegmentLength<T>();
        int slot = 0;
        foreach (Segment unit in incoming)
            slot = Math.Max(slot, unit.Length);
        int depth = kernel is null ? incoming.Count : Math.Min(ReceiveDepth, incoming.Count);
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(kernel is null ? 0 : depth * slot);
        var sends = new List<Request>();
        var receives = new Request?[Math.Max(depth, 1)];

        fixed (T* dataPointer = data)
        fixed (T* scratchPointer = scratch.Span)
        {
            try
            {
                // Receive u lands in its scratch slot when reducing, in its place in the data otherwise.
                for (int u = 0; u < depth; u++)
                {
                    T* target = kernel is null ? dataPointer + incoming[u].Offset : scratchPointer + u * slot;
                    receives[u] = context.StartReceive(left, tag, (byte*)target, (long)incoming[u].Length * sizeof(T));
                }
                for (int offset = 0; offset < ownLength; offset += segment)
                {
                    int length = Math.Min(segment, ownLength - offset);
                    sends.Add(context.StartSend(right, tag, (byte*)(dataPointer + ownOffset + offset), (long)length * sizeof(T)));
                }
                for (int u = 0; u < incoming.Count; u++)
                {
                    Segment unit = incoming[u];
                    int slotIndex = u % depth;
                    context.WaitReceive(receives[slotIndex]!, (long)unit.Length * sizeof(T), left);
                    if (kernel is not null)
                    {
                        T* received = scratchPointer + slotIndex * slot;
                        kernel.CombineLower(new ReadOnlySpan<T>(received, unit.Length), data.Slice(unit.Offset, unit.Length));
                        int next = u + depth;
                        receives[slotIndex] = next < incoming.Count
                            ? context.StartReceive(left, tag, (byte*)received, (long)incoming[next].Length * sizeof(T))
                            : null;
                    }
                    if (unit.Forward)
                        sends.Add(context.StartSend(right, tag, (byte*)(dataPointer + unit.Offset), (long)unit.Length * sizeof(T)));
                }
                Request.WaitAll(CollectionsMarshal.AsSpan(sends));
            }
            catch
            {
                context.AbandonReceives(receives);
                throw;
            }
        }
    }
}
