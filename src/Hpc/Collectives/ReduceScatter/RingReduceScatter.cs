using System.Runtime.InteropServices;
using Hpc.Reduction;

namespace Hpc.Collectives.ReduceScatter;

/// <summary>
/// Ring reduce-scatter (the first half of ring allreduce, as in Gloo and NCCL). The vector is cut
/// into n blocks; in step s rank r passes its partial of block (r − s − 1) to rank r + 1 and folds
/// the partial of block (r − s − 2) arriving from rank r − 1 into its own data. After n − 1 steps
/// block r is complete on rank r — each element reduced exactly once, by one chain of ranks.
/// </summary>
/// <remarks>
/// Blocks travel in segments of <see cref="SegmentBytes"/>, and a reduced segment is sent on as
/// soon as it is ready, while the next segments are still arriving: transfer and reduction
/// overlap, and a large block never needs a block-sized scratch buffer. The chain for block b
/// starts at rank b + 1 and wraps around the ring, so this needs a commutative operation; the
/// callers switch to <see cref="Reduce.PipelinedChainReduce"/> for non-commutative ones.
/// </remarks>
internal static unsafe class RingReduceScatter
{
    /// <summary>
    /// Pipeline segment. Measured best among 64 KiB … 1 MiB on shared memory (4 ranks); it is
    /// also the size of NCCL's ring chunks (4 MiB buffer in 8 steps).
    /// </summary>
    public const int SegmentBytes = 512 * 1024;

    /// <summary>Segments received ahead of the one being reduced.</summary>
    private const int ReceiveDepth = 3;

    /// <summary>
    /// Reduces <paramref name="data"/> in place: on return the block at
    /// <paramref name="offsets"/>[rank] (of <paramref name="lengths"/>[rank] elements) holds the
    /// reduction over all ranks; the other blocks hold partial results.
    /// </summary>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, ReadOnlySpan<int> offsets, ReadOnlySpan<int> lengths, ReduceKernel<T> kernel)
        where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        if (size == 1)
            return;
        int right = (rank + 1) % size;
        int left = (rank - 1 + size) % size;
        int segment = Math.Max(1, SegmentBytes / sizeof(T));

        // What arrives from the left, in order: in step s, block (rank − s − 2); a segment
        // received in step s < n − 2 is the one this rank sends on in step s + 1.
        var units = new List<Segment>();
        int longest = 0;
        for (int step = 0; step < size - 1; step++)
        {
            int block = Blocks.Mod(rank - step - 2, size);
            AddSegments(units, offsets[block], lengths[block], segment, forward: step < size - 2);
            longest = Math.Max(longest, lengths[block]);
        }
        int slot = Math.Min(segment, longest);
        int depth = Math.Min(ReceiveDepth, units.Count);
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(depth * slot);
        var sends = new List<Request>();
        var receives = new Request?[Math.Max(depth, 1)];

        fixed (T* dataPointer = data)
        fixed (T* scratchPointer = scratch.Span)
        {
            try
            {
                int first = Blocks.Mod(rank - 1, size);
                for (int offset = 0; offset < lengths[first]; offset += segment)
                {
                    int length = Math.Min(segment, lengths[first] - offset);
                    sends.Add(context.StartSend(right, tag, (byte*)(dataPointer + offsets[first] + offset), (long)length * sizeof(T)));
                }
                for (int u = 0; u < depth; u++)
                    receives[u] = context.StartReceive(left, tag, (byte*)(scratchPointer + u * slot), (long)units[u].Length * sizeof(T));

                for (int u = 0; u < units.Count; u++)
                {
                    Segment unit = units[u];
                    int slotIndex = u % depth;
                    T* incoming = scratchPointer + slotIndex * slot;
                    context.WaitReceive(receives[slotIndex]!, (long)unit.Length * sizeof(T), left);
                    kernel.CombineLower(new ReadOnlySpan<T>(incoming, unit.Length), data.Slice(unit.Offset, unit.Length));
                    int next = u + depth;
                    receives[slotIndex] = next < units.Count
                        ? context.StartReceive(left, tag, (byte*)incoming, (long)units[next].Length * sizeof(T))
                        : null;
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

    internal readonly record struct Segment(int Offset, int Length, bool Forward);

    internal static void AddSegments(List<Segment> units, int offset, int length, int segment, bool forward)
    {
        for (int o = 0; o < length; o += segment)
            units.Add(new Segment(offset + o, Math.Min(segment, length - o), forward));
    }
}
