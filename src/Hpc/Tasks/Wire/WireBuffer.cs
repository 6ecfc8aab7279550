using System.Buffers;

namespace Hpc.Tasks.Wire;

/// <summary>
/// A growable byte buffer that the pool writes one message into and reuses for the next, so a
/// chunk of tasks costs no allocation once the buffer has reached its working size.
/// </summary>
internal sealed class WireBuffer : IBufferWriter<byte>
{
    private byte[] _array;
    private int _length;

    public WireBuffer(int capacity) => _array = new byte[Math.Max(capacity, 64)];

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The written bytes.</summary>
    public Span<byte> Written => _array.AsSpan(0, _length);

    /// <summary>The written bytes as memory (for a non-blocking send).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _length);

    public void Reset() => _length = 0;

    /// <summary>Makes room for <paramref name="length"/> bytes from the start and marks them written (a receive target).</summary>
    public Span<byte> Prepare(int length)
    {
        Grow(length);
        _length = length;
        return _array.AsSpan(0, length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Grow(_length + Math.Max(sizeHint, 1));
        return _array.AsSpan(_length);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Grow(_length + Math.Max(sizeHint, 1));
        return _array.AsMemory(_length);
    }

    public void Advance(int count) => _length += count;

    public void Write<T>(T value) where T : unmanaged
    {
        MemoryMarshal.Write(GetSpan(System.Runtime.CompilerServices.Unsafe.SizeOf<T>()), in value);
        _length += System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Overwrites a value written earlier (a header patched once the payload is known).</summary>
    public void WriteAt<T>(int offset, T value) where T : unmanaged => MemoryMarshal.Write(_array.AsSpan(offset), in value);

    private void Grow(int needed)
    {
        if (needed <= _array.Length)
            return;
        // The old array is not returned anywhere: a non-blocking send may still have it pinned.
        var bigger = new byte[Math.Max(needed, (int)Math.Min(Array.MaxLength, 2L * _array.Length))];
        _array.AsSpan(0, _length).CopyTo(bigger);
        _array = bigger;
    }
}

/// <summary>Reads what a <see cref="WireBuffer"/> holds, front to back.</summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public T Read<T>() where T : unmanaged
    {
        T value = MemoryMarshal.Read<T>(_data[_position..]);
        _position += System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        ReadOnlySpan<byte> bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }
}
