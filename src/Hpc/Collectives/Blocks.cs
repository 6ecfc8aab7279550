using System.Buffers;

namespace Hpc.Collectives;

/// <summary>
/// How algorithms cut a vector of <c>count</c> elements into <c>parts</c> blocks: sizes differ by
/// at most one, the first <c>count % parts</c> blocks getting the extra element. Every rank
/// computes the same layout, so sender and receiver always agree on a block's size.
/// </summary>
internal static class Blocks
{
    public static int Offset(int count, int parts, int index) => index * (count / parts) + Math.Min(index, count % parts);

    public static int Length(int count, int parts, int index) => count / parts + (index < count % parts ? 1 : 0);

    public static (int[] Offsets, int[] Lengths) Even(int count, int parts)
    {
        var offsets = new int[parts];
        var lengths = new int[parts];
        for (int i = 0; i < parts; i++)
        {
            offsets[i] = Offset(count, parts, i);
            lengths[i] = Length(count, parts, i);
        }
        return (offsets, lengths);
    }

    /// <summary>Displacements of blocks laid out back to back (MPI's default for the v-collectives).</summary>
    public static int[] Packed(ReadOnlySpan<int> counts)
    {
        var displacements = new int[counts.Length];
        int offset = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            displacements[i] = offset;
            offset = checked(offset + counts[i]);
        }
        return displacements;
    }

    public static int[] Uniform(int parts, int count)
    {
        var counts = new int[parts];
        Array.Fill(counts, count);
        return counts;
    }

    /// <summary>Non-negative remainder: rank arithmetic on a ring.</summary>
    public static int Mod(int value, int size) => ((value % size) + size) % size;
}

/// <summary>A scratch buffer from the shared array pool, returned on dispose.</summary>
internal readonly struct PooledBuffer<T> : IDisposable where T : unmanaged
{
    private readonly T[] _array;
    private readonly int _length;

    private PooledBuffer(T[] array, int length)
    {
        _array = array;
        _length = length;
    }

    public static PooledBuffer<T> Rent(int length) =>
        new(length == 0 ? [] : ArrayPool<T>.Shared.Rent(length), length);

    public Span<T> Span => new(_array, 0, _length);

    public void Dispose()
    {
        if (_array.Length != 0)
            ArrayPool<T>.Shared.Return(_array);
    }
}
