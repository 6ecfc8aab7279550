using System.Buffers;

namespace Hpc.Tasks;

/// <summary>
/// Memory&lt;T&gt; over a <see cref="HostBlock"/>: native memory has no array behind it, so a
/// MemoryManager hands out the span. It checks the block on every access, so Memory kept past the
/// array's Dispose throws ObjectDisposedException instead of reading unmapped memory.
/// </summary>
internal sealed unsafe class PointerMemoryManager<T> : MemoryManager<T> where T : unmanaged
{
    private readonly HostBlock _block;
    private readonly int _length;

    public PointerMemoryManager(HostBlock block, int length)
    {
        _block = block;
        _length = length;
    }

    public override Span<T> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_block.IsFreed, this);
        return new Span<T>(_block.Pointer, _length);
    }

    /// <summary>The memory is not moved by the GC: pinning is taking its address.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_block.IsFreed, this);
        if ((uint)elementIndex > (uint)_length)
            throw new ArgumentOutOfRangeException(nameof(elementIndex), elementIndex, $"element {elementIndex} is outside a block of {_length}");
        return new MemoryHandle((T*)_block.Pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
