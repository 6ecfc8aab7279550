namespace Hpc.Tasks;

/// <summary>
/// Read-only data held once per host and read in place by every rank there (Ray's per-node
/// object store): what <see cref="Communicator.BroadcastShared{T}(ReadOnlySpan{T}, int)"/> returns.
/// Eight ranks on a host reading a 1 GiB array hold 1 GiB there, not 8.
/// </summary>
/// <remarks>
/// The memory is the host's <see cref="SharedArray{T}"/> after the broadcast's final fence, so every
/// rank sees all of it. Nothing prevents a write through unsafe code, but every other rank of the
/// host would see it: treat it as read-only. <see cref="Dispose"/> is collective over <see cref="Host"/>.
/// </remarks>
/// <typeparam name="T">An unmanaged element type.</typeparam>
public sealed class SharedReadOnlyArray<T> : IDisposable where T : unmanaged
{
    private readonly SharedArray<T> _array;

    internal SharedReadOnlyArray(SharedArray<T> array) => _array = array;

    /// <summary>The communicator's ranks on this host, which share this copy.</summary>
    public Communicator Host => _array.Host;

    /// <summary>Number of elements (the root's data length).</summary>
    public int Length => _array.Length;

    /// <summary>The data, in this host's shared block.</summary>
    public ReadOnlySpan<T> Span => _array.Whole;

    /// <summary>The data as ReadOnlyMemory, for async code.</summary>
    public ReadOnlyMemory<T> Memory => _array.WholeMemory;

    /// <summary>Collective over <see cref="Host"/>: waits for every rank of the host, then releases the copy.</summary>
    public void Dispose() => _array.Dispose();
}
