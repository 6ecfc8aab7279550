using System.Runtime.InteropServices;
using Hpc.Collectives.ReduceScatter;
using Hpc.Reduction;

namespace Hpc.Collectives.Reduce;

/// <summary>
/// Ordered pipeline along the ring links 0 → 1 → … → n − 1: rank r receives the partial
/// x0 ∘ … ∘ x(r−1) segment by segment, appends its own contribution on the right and passes
/// the segment on, so the last rank ends with x0 ∘ x1 ∘ … ∘ x(n−1) in exact rank order. It is
/// how the ring algorithms handle non-commutative operations: same links and the same bytes
/// per link as the ring, at the cost of n − 1 extra pipeline steps.
/// </summary>
internal static unsafe class PipelinedChainReduce
{
    private const int ReceiveDepth = 3;

    /// <summary>
    /// Reduces every rank's <paramref name="data"/> into the last rank's <paramref name="data"/>;
    /// rank r is left holding the prefix x0 ∘ … ∘ xr.
    /// </summary>
    public static void Run<T>(CollectiveContext context, int tag, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        if (size == 1 || data.IsEmpty)
            return;
        int segment = Math.Max(1, RingReduceScatter.SegmentBytes / sizeof(T));
        var units = new List<RingReduceScatter.Segment>();
        RingReduceScatter.AddSegments(units, 0, data.Length, segment, forward: rank < size - 1);
        int slot = Math.Min(segment, data.Length);
        int depth = rank == 0 ? 0 : Math.Min(ReceiveDepth, units.Count);
        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(depth * slot);
        var sends = new List<Request>();
        var receives = new Request?[Math.Max(depth, 1)];
        int left = rank - 1;
        int right = rank + 1;

        fixed (T* dataPointer = data)
        fixed (T* scratchPointer = scratch.Span)
        {
            try
            {
                for (int u = 0; u < depth; u++)
                    receives[u] = context.StartReceive(left, tag, (byte*)(scratchPointer + u * slot), (long)units[u].Length * sizeof(T));
                for (int u = 0; u < units.Count; u++)
                {
                    RingReduceScatter.Segment unit = units[u];
                    if (rank > 0)
                    {
                        int slotIndex = u % depth;
                        T* incoming = scratchPointer + slotIndex * slot;
                        context.WaitReceive(receives[slotIndex]!, (long)unit.Length * sizeof(T), left);
                        kernel.CombineLower(new ReadOnlySpan<T>(incoming, unit.Length), data.Slice(unit.Offset, unit.Length));
                        int next = u + depth;
                        receives[slotIndex] = next < units.Count
                            ? context.StartReceive(left, tag, (byte*)incoming, (long)units[next].Length * sizeof(T))
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
