using Hpc.Reduction;

namespace Hpc.Collectives.SharedMemory;

/// <summary>
/// Allreduce through shared buffers. Each rank copies a chunk of its vector into its buffer;
/// then each rank reduces its own slice of the chunk straight from every peer's buffer, in rank
/// order 0, 1, …, n−1, and publishes the reduced slice; finally every rank copies all reduced
/// slices out. Each element is reduced by exactly one rank in one fixed order, so every rank
/// ends with bit-identical results and non-commutative operations keep rank order. Small
/// vectors skip the slicing: every rank reduces the whole chunk itself, in the same order.
/// </summary>
internal static class SharedMemoryAllreduce
{
    /// <summary>Below this many bytes one step does it all: each rank reduces the whole vector.</summary>
    private const long WholeVectorBytes = 8 * 1024;

    public static void Run<T>(SharedCollectiveArea area, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        int elementSize = Unsafe.SizeOf<T>();
        int perChunk = (int)(SharedCollectiveArea.BufferBytes / elementSize);
        for (int start = 0; start < data.Length; start += perChunk)
        {
            Span<T> chunk = data.Slice(start, Math.Min(perChunk, data.Length - start));
            if ((long)chunk.Length * elementSize <= WholeVectorBytes)
                ReduceWhole(area, chunk, kernel);
            else
                ReduceBySlices(area, chunk, kernel);
        }
    }

    private static void ReduceWhole<T>(SharedCollectiveArea area, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        long bytes = (long)data.Length * Unsafe.SizeOf<T>();
        long step = area.BeginStep();
        MemoryMarshal.AsBytes(data).CopyTo(area.OwnBuffer(step, bytes));
        area.Publish(step);
        area.WaitForAll(step);
        MemoryMarshal.Cast<byte, T>(area.BufferOf(0, step, bytes)).CopyTo(data);
        for (int r = 1; r < area.Size; r++)
            kernel.CombineHigher(data, MemoryMarshal.Cast<byte, T>(area.BufferOf(r, step, bytes)));
    }

    private static void ReduceBySlices<T>(SharedCollectiveArea area, Span<T> data, ReduceKernel<T> kernel) where T : unmanaged
    {
        int elementSize = Unsafe.SizeOf<T>();
        long bytes = (long)data.Length * elementSize;
        int n = area.Size;

        long contribute = area.BeginStep();
        MemoryMarshal.AsBytes(data).CopyTo(area.OwnBuffer(contribute, bytes));
        area.Publish(contribute);
        area.WaitForAll(contribute);

        (int myStart, int myLength) = Slice(data.Length, n, area.Rank);
        Span<T> mine = data.Slice(myStart, myLength);
        MemoryMarshal.Cast<byte, T>(area.BufferOf(0, contribute, bytes)).Slice(myStart, myLength).CopyTo(mine);
        for (int r = 1; r < n; r++)
            kernel.CombineHigher(mine, MemoryMarshal.Cast<byte, T>(area.BufferOf(r, contribute, bytes)).Slice(myStart, myLength));

        long share = area.BeginStep();
        MemoryMarshal.AsBytes(mine).CopyTo(area.OwnBuffer(share, bytes)[(myStart * elementSize)..]);
        area.Publish(share);
        for (int r = 0; r < n; r++)
        {
            if (r == area.Rank)
                continue;
            area.WaitFor(r, share);
            (int start, int length) = Slice(data.Length, n, r);
            MemoryMarshal.Cast<byte, T>(area.BufferOf(r, share, bytes)).Slice(start, length).CopyTo(data.Slice(start, length));
        }
    }

    /// <summary>Rank r's slice of <paramref name="count"/> elements: the first count mod n ranks get one extra.</summary>
    private static (int Start, int Length) Slice(int count, int n, int rank)
    {
        int baseLength = count / n, extra = count % n;
        int start = rank * baseLength + Math.Min(rank, extra);
        return (start, baseLength + (rank < extra ? 1 : 0));
    }
}
