namespace Hpc.Tasks;

/// <summary>
/// An array that every rank on one host sees in its own memory, one copy per host
/// (MPI_Comm_split_type SHARED + MPI_Win_allocate_shared, mpi4py's <c>Win.Allocate_shared</c>,
/// Python's <c>multiprocessing.shared_memory</c>). Each rank owns a contiguous slice
/// (<see cref="Local"/>), in host-rank order; <see cref="Whole"/> is the host's whole block.
/// Made by <see cref="Communicator.AllocateShared{T}(int)"/>; ranks on different hosts get
/// different blocks of the same layout rule.
/// <code>
/// using SharedArray&lt;double&gt; a = world.AllocateShared&lt;double&gt;(1000);   // collective
/// a.Local.Fill(world.Rank);          // write the own slice
/// a.Fence();                         // every rank of the host has written
/// double sum = 0;
/// foreach (double x in a.Whole) sum += x;   // read everyone's slices in place
/// </code>
/// </summary>
/// <remarks>
/// <para>Memory is zero-filled at allocation. Plain loads and stores reach the other ranks
/// directly; <see cref="Fence"/> is the synchronization that makes writes before it visible to
/// reads after it on every rank of the host (MPI_Win_fence), and no other ordering is promised.
/// Writes to the same element by two ranks between fences race, as in MPI.</para>
/// <para><see cref="Dispose"/> is collective over the host's ranks, like MPI_Win_free. Spans and
/// Memory taken from the array must not be used after it; <see cref="Memory{T}.Span"/> of a
/// <see cref="WholeMemory"/> then throws <see cref="ObjectDisposedException"/>. Nothing of it
/// stays in /dev/shm after the job, whether ranks exit, throw or are killed.</para>
/// </remarks>
/// <typeparam name="T">An unmanaged element type; every rank must use the same.</typeparam>
public sealed unsafe class SharedArray<T> : IDisposable where T : unmanaged
{
    private readonly HostBlock _block;
    private readonly int[] _offsets;
    private readonly PointerMemoryManager<T> _memory;
    private bool _disposed;

    /// <param name="host">The ranks that share the block; the array owns it and disposes it.</param>
    /// <param name="block">The block, at least <paramref name="counts"/>' sum of elements.</param>
    /// <param name="counts">Elements of each host rank's slice, by host rank.</param>
    internal SharedArray(Communicator host, HostBlock block, ReadOnlySpan<int> counts)
    {
        Host = host;
        _block = block;
        _offsets = new int[counts.Length + 1];
        for (int r = 0; r < counts.Length; r++)
            _offsets[r + 1] = _offsets[r] + counts[r];
        _memory = new PointerMemoryManager<T>(block, _offsets[^1]);
    }

    /// <summary>
    /// The ranks that share this block: the communicator's ranks on this host, in their order
    /// there (MPI_Comm_split_type SHARED). Owned by the array; its <see cref="Communicator.Rank"/>
    /// numbers the slices.
    /// </summary>
    public Communicator Host { get; }

    /// <summary>Elements in the host's whole block: the sum of every host rank's slice.</summary>
    public int Length => _offsets[^1];

    /// <summary>Where this rank's slice starts in <see cref="Whole"/>.</summary>
    public int LocalOffset => _offsets[Host.Rank];

    /// <summary>Elements in this rank's slice (its localCount).</summary>
    public int LocalLength => LengthOf(Host.Rank);

    /// <summary>The host's whole block, every rank's slice in host-rank order.</summary>
    public Span<T> Whole
    {
        get
        {
            CheckUsable();
            return new Span<T>(_block.Pointer, Length);
        }
    }

    /// <summary>This rank's own slice of the block.</summary>
    public Span<T> Local => Whole.Slice(LocalOffset, LocalLength);

    /// <summary><see cref="Whole"/> as Memory, for async code and APIs that take Memory.</summary>
    public Memory<T> WholeMemory
    {
        get
        {
            CheckUsable();
            return _memory.Memory;
        }
    }

    /// <summary><see cref="Local"/> as Memory.</summary>
    public Memory<T> LocalMemory => WholeMemory.Slice(LocalOffset, LocalLength);

    /// <summary>Where host rank <paramref name="hostRank"/>'s slice starts in <see cref="Whole"/> (MPI_Win_shared_query).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hostRank"/> is not a rank of <see cref="Host"/>.</exception>
    public int OffsetOf(int hostRank)
    {
        CheckHostRank(hostRank);
        return _offsets[hostRank];
    }

    /// <summary>Elements in host rank <paramref name="hostRank"/>'s slice.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hostRank"/> is not a rank of <see cref="Host"/>.</exception>
    public int LengthOf(int hostRank)
    {
        CheckHostRank(hostRank);
        return _offsets[hostRank + 1] - _offsets[hostRank];
    }

    /// <summary>Host rank <paramref name="hostRank"/>'s slice, which this rank may read and write in place.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hostRank"/> is not a rank of <see cref="Host"/>.</exception>
    public Span<T> SliceOf(int hostRank) => Whole.Slice(OffsetOf(hostRank), LengthOf(hostRank));

    /// <summary>
    /// Collective over <see cref="Host"/> (MPI_Win_fence): returns once every rank of the host has
    /// called it; what any of them wrote before is visible to what all of them read after.
    /// </summary>
    public void Fence()
    {
        CheckUsable();
        // The barrier's messages order the ranks; the full fences keep this rank's own plain
        // stores and loads on their side of it (the runtime's barrier is only release/acquire).
        Interlocked.MemoryBarrier();
        Host.Barrier();
        Interlocked.MemoryBarrier();
    }

    /// <summary>
    /// Collective over <see cref="Host"/> (MPI_Win_free): waits for every rank of the host, then
    /// releases the memory. A second call does nothing.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _block.Free();
        Host.Dispose();
    }

    private void CheckUsable() => ObjectDisposedException.ThrowIf(_disposed, this);

    private void CheckHostRank(int hostRank)
    {
        if ((uint)hostRank >= (uint)Host.Size)
            throw new ArgumentOutOfRangeException(nameof(hostRank), hostRank, $"host rank {hostRank} is outside the {Host.Size} ranks sharing this array (0 … {Host.Size - 1})");
    }
}
