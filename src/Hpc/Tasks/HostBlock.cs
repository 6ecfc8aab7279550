using Hpc.Transport.SharedMemory;

namespace Hpc.Tasks;

/// <summary>
/// One block of memory that every rank of a host communicator has mapped at its own address
/// (MPI_Win_allocate_shared's memory): the storage behind <see cref="SharedArray{T}"/>.
/// </summary>
/// <remarks>
/// <para>
/// Ranks as processes (a launched job, more than one rank on the host): the host's rank 0 creates
/// a file under /dev/shm (0600, named after the job: <see cref="SharedMemoryInbox.HostBlockPathFor"/>),
/// with every page reserved up front so a full /dev/shm is an exception here rather than a SIGBUS
/// later; the others map it; once all of them report it mapped, rank 0 unlinks the name. From then
/// on the memory lives exactly as long as some process maps it, so exit, an exception or SIGKILL
/// leaves nothing in /dev/shm, as with the inboxes. A rank killed in the short window between
/// creation and unlink is covered by mpirun, which removes <c>hpc-&lt;jobid&gt;*</c> when the job ends.
/// </para>
/// <para>
/// Ranks as threads (the in-process worlds of the tests), a world started without the launcher,
/// or a host with a single rank: the host's rank 0 allocates zeroed native memory and passes the
/// address to the others, which share the address space; it frees the memory in <see cref="Free"/>.
/// </para>
/// </remarks>
internal sealed unsafe class HostBlock
{
    private static long s_serial;

    private readonly Communicator _host;
    private readonly SharedSegment? _segment;
    private readonly bool _ownsNativeMemory;
    private byte* _pointer;

    private HostBlock(Communicator host, byte* pointer, long bytes, SharedSegment? segment, bool ownsNativeMemory)
    {
        _host = host;
        _pointer = pointer;
        Bytes = bytes;
        _segment = segment;
        _ownsNativeMemory = ownsNativeMemory;
    }

    /// <summary>First byte of the block in this process; null for an empty block.</summary>
    public byte* Pointer => _pointer;

    /// <summary>Size of the block in bytes.</summary>
    public long Bytes { get; }

    /// <summary>True once <see cref="Free"/> ran: the memory must not be touched any more.</summary>
    public bool IsFreed { get; private set; }

    /// <summary>Collective over <paramref name="host"/> (whose ranks share one host): a block of <paramref name="bytes"/>, zero-filled.</summary>
    public static HostBlock Allocate(Communicator host, long bytes)
    {
        if (bytes == 0)
            return new HostBlock(host, null, 0, null, ownsNativeMemory: false);
        if (host.Size == 1 || !host.Runtime.Job.IsLaunched)
            return AllocateInProcess(host, bytes);
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("shared arrays between processes need /dev/shm (Linux); on Windows run one rank per host");
        return AllocateMapped(host, bytes);
    }

    private static HostBlock AllocateInProcess(Communicator host, long bytes)
    {
        long address = 0;
        string? error = null;
        if (host.Rank == 0)
        {
            try
            {
                // calloc: fresh zero pages from the kernel, allocated as they are first touched.
                address = (long)NativeMemory.AllocZeroed((nuint)bytes);
            }
            catch (OutOfMemoryException e)
            {
                error = e.Message;
            }
        }
        address = FromLeader(host, address, error, $"allocate a shared array of {bytes} bytes");
        return new HostBlock(host, (byte*)address, bytes, null, ownsNativeMemory: host.Rank == 0);
    }

    /// <summary>
    /// Collective: hands the host leader's <paramref name="value"/> to every rank of
    /// <paramref name="host"/>, or, where the leader could not <paramref name="what"/> (0, with its
    /// <paramref name="error"/>), throws on every rank, so none hangs.
    /// </summary>
    private static long FromLeader(Communicator host, long value, string? error, string what)
    {
        value = host.Broadcast(value, root: 0);
        if (value == 0)
            throw new HpcException(host.Rank == 0
                ? $"cannot {what}: {error}"
                : $"rank {host.WorldRankOf(0)} (the host's leader) could not {what}");
        return value;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static HostBlock AllocateMapped(Communicator host, long bytes)
    {
        string jobId = host.Runtime.Job.JobId;
        int leader = host.WorldRankOf(0);
        SharedSegment? segment = null;
        long serial = 0;
        string? error = null;
        if (host.Rank == 0)
        {
            long mine = Interlocked.Increment(ref s_serial);
            try
            {
                segment = SharedSegment.Create(SharedMemoryInbox.HostBlockPathFor(jobId, leader, mine), bytes, reserve: true);
                serial = mine;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = e.Message;
            }
        }
        serial = FromLeader(host, serial, error, $"create a shared array of {bytes} bytes in /dev/shm");

        string path = SharedMemoryInbox.HostBlockPathFor(jobId, leader, serial);
        if (host.Rank != 0)
        {
            try
            {
                segment = SharedSegment.Open(path, bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or HpcException)
            {
                error = e.Message;
            }
        }
        // Everyone reports before the name goes: a rank that could not map the file (a host name
        // shared by machines that do not share memory) fails on every rank, never hangs one.
        int[] mapped = host.Allgather(segment is not null ? 1 : 0);
        if (host.Rank == 0)
            segment!.Unlink();
        int[] missing = [.. Enumerable.Range(0, host.Size).Where(r => mapped[r] == 0).Select(host.WorldRankOf)];
        if (missing.Length > 0)
        {
            segment?.Dispose();
            throw new HpcException(error is not null
                ? $"cannot map the shared array {path} created by rank {leader}: {error}"
                : $"world rank(s) {string.Join(", ", missing)} could not map the shared array {path} created by rank {leader} (same host name, but no shared /dev/shm?)");
        }
        return new HostBlock(host, segment!.Pointer, bytes, segment, ownsNativeMemory: false);
    }

    /// <summary>
    /// Collective: waits until every rank of the host is here (no one reads the block any more),
    /// then releases this rank's mapping, or, for ranks as threads, rank 0 frees the memory.
    /// </summary>
    public void Free()
    {
        if (IsFreed)
            return;
        _host.Barrier();
        IsFreed = true;
        _segment?.Dispose();
        if (_ownsNativeMemory)
            NativeMemory.Free(_pointer);
        _pointer = null;
    }
}
