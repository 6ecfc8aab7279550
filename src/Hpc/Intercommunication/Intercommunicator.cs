using Hpc.Messaging;
using Hpc.Reduction;

namespace Hpc;

/// <summary>
/// A communicator between two disjoint groups (MPI intercommunicator, MPI_Intercomm_create):
/// point-to-point ranks name processes of the <em>remote</em> group, and the collectives follow
/// MPI's intercommunicator rules (data flows from one group to the other). <see cref="Merge"/>
/// turns it into an ordinary communicator over both groups.
/// </summary>
/// <remarks>
/// <para>
/// Built on a private duplicate of the local group's communicator (for the local parts of the
/// collectives) and a context pair free on every process of both groups: the user's messages use
/// the first, the collectives' leader-to-leader messages the second, so neither can match the other.
/// </para>
/// <para>
/// Collectives: <see cref="Barrier"/>; <see cref="Broadcast{T}(Span{T}, int)"/>, <see cref="Gather{T}"/> and <see cref="Scatter{T}"/> with MPI's root
/// convention (the root passes <see cref="Root"/>, the rest of its group <see cref="Communicator.ProcNull"/>,
/// the other group the root's rank in the remote group); <see cref="Allreduce{T}(ReadOnlySpan{T}, Span{T}, ReduceOp)"/>,
/// where each group receives the reduction of the <em>other</em> group's data; <see cref="Allgather{T}"/>,
/// where each group receives the other group's blocks. Each is local
/// work in both groups plus one exchange between the two leaders (local rank 0 of each).
/// </para>
/// </remarks>
public sealed unsafe class Intercommunicator : IDisposable
{
    /// <summary>What the root of an intercommunicator broadcast passes as root (MPI_ROOT; −4 as in Open MPI).</summary>
    public const int Root = -4;

    private readonly Communicator _local;
    private readonly int[] _remoteWorldRanks;
    private readonly int _context;
    private readonly bool _lowGroup;
    private int _sequence;
    private bool _disposed;

    internal Intercommunicator(Communicator local, int[] remoteWorldRanks, int context, bool lowGroup)
    {
        _local = local;
        _remoteWorldRanks = remoteWorldRanks;
        _context = context;
        _lowGroup = lowGroup;
    }

    /// <summary>This process's rank in its own (local) group (MPI_Comm_rank).</summary>
    public int Rank => _local.Rank;

    /// <summary>Number of processes in the local group (MPI_Comm_size).</summary>
    public int Size => _local.Size;

    /// <summary>Number of processes in the remote group (MPI_Comm_remote_size).</summary>
    public int RemoteSize => _remoteWorldRanks.Length;

    /// <summary>
    /// Connects the group of <paramref name="localComm"/> with another, disjoint group
    /// (MPI_Intercomm_create). The two leaders, <paramref name="localLeader"/> here and
    /// <paramref name="remoteLeader"/> (its rank in <paramref name="bridge"/>), talk over
    /// <paramref name="bridge"/> with <paramref name="tag"/>; <paramref name="bridge"/> and the
    /// remote leader matter on the local leader only. Collective over both groups.
    /// </summary>
    /// <exception cref="ArgumentException">A leader that is not a rank, or groups that overlap.</exception>
    public static Intercommunicator Create(Communicator localComm, int localLeader, Communicator? bridge, int remoteLeader, int tag)
    {
        ArgumentNullException.ThrowIfNull(localComm);
        if ((uint)localLeader >= (uint)localComm.Size)
            throw new ArgumentOutOfRangeException(nameof(localLeader), localLeader, $"local leader {localLeader} is not a rank of '{localComm.Name}' (0 … {localComm.Size - 1})");
        bool leader = localComm.Rank == localLeader;
        if (leader)
        {
            ArgumentNullException.ThrowIfNull(bridge);
            if ((uint)remoteLeader >= (uint)bridge.Size)
                throw new ArgumentOutOfRangeException(nameof(remoteLeader), remoteLeader, $"remote leader {remoteLeader} is not a rank of the bridge '{bridge.Name}' (0 … {bridge.Size - 1})");
        }
        Communicator local = localComm.Duplicate(copyAttributes: false);
        int candidate = local.Allreduce(local.Runtime.NextContextCandidate, ReduceOp.Max);

        // The leaders swap [candidate, local world ranks …]; each tells its group the other's.
        int[] theirs = [];
        if (leader)
        {
            int[] mine = [candidate, .. local.WorldRanks];
            Request sent = bridge!.Isend(mine, remoteLeader, tag);
            theirs = bridge.ReceiveArray<int>(remoteLeader, tag);
            sent.Wait();
        }
        int length = local.Broadcast(theirs.Length, localLeader);
        if (!leader)
            theirs = new int[length];
        local.Broadcast(theirs, localLeader);

        int context = Math.Max(candidate, theirs[0]);
        local.Runtime.ReserveContext(context);
        int[] remote = theirs[1..];
        foreach (int worldRank in remote)
        {
            if (local.WorldRanks.Contains(worldRank))
                throw new ArgumentException($"the two groups overlap (world rank {worldRank} is in both); an intercommunicator joins disjoint groups");
        }
        // Both sides agree which group is "low" (first in Merge by default): the one whose first member has the lower world rank.
        bool low = local.WorldRankOf(0) < remote[0];
        return new Intercommunicator(local, remote, context, low);
    }

    // ------------------------------------------------------------------ point-to-point

    /// <summary>Sends <paramref name="data"/> to rank <paramref name="dest"/> of the remote group (MPI_Send on an intercommunicator).</summary>
    public void Send<T>(ReadOnlySpan<T> data, int dest, int tag) where T : unmanaged
    {
        CheckRemote(dest, nameof(dest), allowAny: false);
        if (tag < 0)
            throw new ArgumentOutOfRangeException(nameof(tag), tag, $"tag {tag} is negative; tags are 0 … {int.MaxValue}");
        if (dest == Communicator.ProcNull)
            return;
        Transfer(_context, data, dest, tag);
    }

    /// <summary>Sends one value to rank <paramref name="dest"/> of the remote group.</summary>
    public void Send<T>(T value, int dest, int tag) where T : unmanaged => Send(new ReadOnlySpan<T>(in value), dest, tag);

    /// <summary>Receives from rank <paramref name="source"/> of the remote group (or <see cref="Communicator.AnySource"/>) (MPI_Recv).</summary>
    public Status Receive<T>(Span<T> buffer, int source, int tag) where T : unmanaged
    {
        CheckRemote(source, nameof(source), allowAny: true);
        if (tag < 0 && tag != Communicator.AnyTag)
            throw new ArgumentOutOfRangeException(nameof(tag), tag, $"tag {tag} is negative; tags are 0 … {int.MaxValue}, or AnyTag");
        if (source == Communicator.ProcNull)
            return new Status(Communicator.ProcNull, Communicator.AnyTag, 0, sizeof(T));
        return Accept(_context, buffer, source, tag);
    }

    /// <summary>Receives one value from rank <paramref name="source"/> of the remote group.</summary>
    public T Receive<T>(int source, int tag) where T : unmanaged
    {
        T value = default;
        Receive(new Span<T>(ref value), source, tag);
        return value;
    }

    // ------------------------------------------------------------------ collectives

    /// <summary>Returns once every process of both groups has called Barrier (MPI_Barrier on an intercommunicator).</summary>
    public void Barrier()
    {
        CheckUsable();
        int tag = NextTag();
        _local.Barrier();
        if (Rank == 0)
            LeaderSwap<byte>([], [], tag);
        _local.Barrier();
    }

    /// <summary>
    /// Copies the root's <paramref name="data"/> to every process of the other group (MPI_Bcast on
    /// an intercommunicator). In the root's group the root passes <see cref="Root"/> and the others
    /// <see cref="Communicator.ProcNull"/> (their data is untouched); in the other group every
    /// process passes the root's rank in the remote group and receives.
    /// </summary>
    public void Broadcast<T>(Span<T> data, int root) where T : unmanaged
    {
        CheckUsable();
        int tag = NextTag();
        if (root == Root)
        {
            Transfer(_context + 1, (ReadOnlySpan<T>)data, 0, tag);
            return;
        }
        if (root == Communicator.ProcNull)
            return;
        CheckRemote(root, nameof(root), allowAny: false);
        if (Rank == 0)
            Accept(_context + 1, data, root, tag);
        _local.Broadcast(data, 0);
    }

    /// <summary>
    /// Combines the <em>other</em> group's <paramref name="send"/> with <paramref name="op"/> into
    /// every process's <paramref name="receive"/> (MPI_Allreduce on an intercommunicator).
    /// Both groups pass the same length.
    /// </summary>
    public void Allreduce<T>(ReadOnlySpan<T> send, Span<T> receive, ReduceOp op) where T : unmanaged
    {
        CheckUsable();
        if (receive.Length != send.Length)
            throw new ArgumentException($"Allreduce: receive has {receive.Length} elements but send {send.Length}; they must match", nameof(receive));
        int tag = NextTag();
        var mine = new T[send.Length];
        _local.Allreduce(send, mine, op);
        if (Rank == 0)
            LeaderSwap<T>(mine, receive, tag);
        _local.Broadcast(receive, 0);
    }

    /// <summary>The other group's reduction of <paramref name="value"/> (MPI_Allreduce of one element).</summary>
    public T Allreduce<T>(T value, ReduceOp op) where T : unmanaged
    {
        T result = default;
        Allreduce(new ReadOnlySpan<T>(in value), new Span<T>(ref result), op);
        return result;
    }

    /// <summary>
    /// Collects every remote process's <paramref name="send"/> at the root, in remote rank order
    /// (MPI_Gather on an intercommunicator). The root passes <see cref="Root"/> and a
    /// <paramref name="receive"/> of RemoteSize × count; the rest of its group pass
    /// <see cref="Communicator.ProcNull"/>; the other group passes the root's rank and sends.
    /// </summary>
    public void Gather<T>(ReadOnlySpan<T> send, Span<T> receive, int root) where T : unmanaged
    {
        CheckUsable();
        int tag = NextTag();
        if (root == Root)
        {
            AcceptExactly(receive, 0, tag, "Gather");
            return;
        }
        if (root == Communicator.ProcNull)
            return;
        CheckRemote(root, nameof(root), allowAny: false);
        var gathered = new T[Rank == 0 ? (long)Size * send.Length : 0];
        _local.Gather(send, gathered, 0);
        if (Rank == 0)
            Transfer(_context + 1, (ReadOnlySpan<T>)gathered, root, tag);
    }

    /// <summary>
    /// Sends block r of the root's <paramref name="send"/> (RemoteSize blocks) to remote process r
    /// (MPI_Scatter on an intercommunicator); root conventions as in <see cref="Gather{T}"/>.
    /// </summary>
    public void Scatter<T>(ReadOnlySpan<T> send, Span<T> receive, int root) where T : unmanaged
    {
        CheckUsable();
        int tag = NextTag();
        if (root == Root)
        {
            Transfer(_context + 1, send, 0, tag);
            return;
        }
        if (root == Communicator.ProcNull)
            return;
        CheckRemote(root, nameof(root), allowAny: false);
        var blocks = new T[Rank == 0 ? (long)Size * receive.Length : 0];
        if (Rank == 0)
            AcceptExactly<T>(blocks, root, tag, "Scatter");
        _local.Scatter<T>(blocks, receive, 0);
    }

    /// <summary>
    /// Gives every process the other group's <paramref name="send"/> blocks, in remote rank order
    /// (MPI_Allgather on an intercommunicator): <paramref name="receive"/> holds RemoteSize × count.
    /// </summary>
    public void Allgather<T>(ReadOnlySpan<T> send, Span<T> receive) where T : unmanaged
    {
        CheckUsable();
        int tag = NextTag();
        var gathered = new T[Rank == 0 ? (long)Size * send.Length : 0];
        _local.Gather(send, gathered, 0);
        if (Rank == 0)
            LeaderSwap<T>(gathered, receive, tag);
        _local.Broadcast(receive, 0);
    }

    /// <summary>
    /// An ordinary communicator over both groups (MPI_Intercomm_merge): the group passing
    /// <paramref name="high"/> = false comes first; if both pass the same, the group whose first
    /// process has the lower world rank does. Every process of a group passes the same value.
    /// Collective over both groups.
    /// </summary>
    public Communicator Merge(bool high)
    {
        CheckUsable();
        int tag = NextTag();
        int candidate = _local.Allreduce(_local.Runtime.NextContextCandidate, ReduceOp.Max);
        int[] theirs = new int[2];
        if (Rank == 0)
            LeaderSwap<int>([candidate, high ? 1 : 0], theirs, tag);
        _local.Broadcast<int>(theirs, 0);
        int context = Math.Max(candidate, theirs[0]);
        _local.Runtime.ReserveContext(context);
        bool remoteHigh = theirs[1] != 0;
        bool localFirst = high == remoteHigh ? _lowGroup : !high;
        int[] worldRanks = localFirst ? [.. _local.WorldRanks, .. _remoteWorldRanks] : [.. _remoteWorldRanks, .. _local.WorldRanks];
        int rank = localFirst ? Rank : RemoteSize + Rank;
        return new Communicator(_local.Runtime, context, worldRanks, rank, $"merge of {_local.Name} and its remote group");
    }

    /// <summary>Releases the intercommunicator (MPI_Comm_free).</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _local.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"intercommunicator (rank {Rank} of {Size}, remote group of {RemoteSize})";

    // ------------------------------------------------------------------ helpers

    // Every process of both groups calls the collectives in the same order, so each draws the same tag.
    private int NextTag() => Interlocked.Increment(ref _sequence) & int.MaxValue;

    private void LeaderSwap<T>(ReadOnlySpan<T> send, Span<T> receive, int tag) where T : unmanaged
    {
        fixed (T* receivePointer = receive)
        {
            var request = new ReceiveRequest(_context + 1, 0, tag, (byte*)receivePointer, (long)receive.Length * sizeof(T), sizeof(T));
            _local.Runtime.Engine.Post(request);
            Transfer(_context + 1, send, 0, tag);
            Status status = request.Wait();
            if (status.ByteCount != (long)receive.Length * sizeof(T))
                throw new HpcException($"intercommunicator collective: the remote leader sent {status.ByteCount} bytes, {(long)receive.Length * sizeof(T)} expected; do both groups pass the same count?");
        }
    }

    private void AcceptExactly<T>(Span<T> buffer, int source, int tag, string operation) where T : unmanaged
    {
        Status status = Accept(_context + 1, buffer, source, tag);
        if (status.ByteCount != (long)buffer.Length * sizeof(T))
            throw new HpcException($"intercommunicator {operation}: {status.ByteCount} bytes arrived from remote rank {source}, {(long)buffer.Length * sizeof(T)} expected; do the groups agree on the count?");
    }

    private void Transfer<T>(int context, ReadOnlySpan<T> data, int dest, int tag) where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(data);
        fixed (byte* pointer = bytes)
        {
            Request request = _local.Runtime.Engine.StartSend(context, Rank, _remoteWorldRanks[dest], tag, pointer, bytes.Length);
            if (!request.IsCompleted)
                request.Wait();
        }
    }

    private Status Accept<T>(int context, Span<T> buffer, int source, int tag) where T : unmanaged
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(buffer);
        fixed (byte* pointer = bytes)
        {
            var request = new ReceiveRequest(context, source, tag, pointer, bytes.Length, sizeof(T));
            _local.Runtime.Engine.Post(request);
            return request.Wait();
        }
    }

    private void CheckRemote(int rank, string name, bool allowAny)
    {
        CheckUsable();
        if (rank == Communicator.ProcNull || (allowAny && rank == Communicator.AnySource))
            return;
        if ((uint)rank >= (uint)RemoteSize)
            throw new ArgumentOutOfRangeException(name, rank, $"rank {rank} is not in the remote group of {RemoteSize} processes (intercommunicator ranks name the remote group)");
    }

    private void CheckUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
    }
}
