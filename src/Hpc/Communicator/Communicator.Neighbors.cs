using Hpc.Diagnostics;

namespace Hpc;

// Neighbourhood collectives (MPI-3 MPI_Neighbor_allgather, _allgatherv, _alltoall, _alltoallv) on a
// communicator with a virtual topology: each rank exchanges blocks only with its neighbours, in the
// topology's Sources/Destinations order. Blocks of ProcNull neighbours (a Cartesian edge) are not
// sent and their receive blocks are left as they were. They are collectives: every rank of the
// communicator calls them in the same order as its other collectives. The exchange itself is
// Topology/NeighborExchange.cs.
public sealed unsafe partial class Communicator
{
    /// <summary>
    /// Sends <paramref name="send"/> to every destination and receives one block of the same
    /// length from each source into <paramref name="receive"/>, block i from
    /// <see cref="ProcessTopology.Sources"/>[i] (MPI_Neighbor_allgather).
    /// </summary>
    /// <exception cref="InvalidOperationException">The communicator has no virtual topology.</exception>
    /// <exception cref="ArgumentException"><paramref name="receive"/> is not in-degree × <paramref name="send"/>.Length long.</exception>
    public void NeighborAllgather<T>(ReadOnlySpan<T> send, Span<T> receive) where T : unmanaged
    {
        ProcessTopology topology = RequireTopology("NeighborAllgather");
        if (receive.Length != (long)topology.InDegree * send.Length)
            throw new ArgumentException($"NeighborAllgather on '{Name}': receive has {receive.Length} elements but {topology.InDegree} sources × {send.Length} need {(long)topology.InDegree * send.Length}", nameof(receive));
        var sendBlocks = new NeighborExchange.Block[topology.OutDegree];
        sendBlocks.AsSpan().Fill(new NeighborExchange.Block(0, Bytes<T>(send.Length)));
        Exchange("NeighborAllgather", topology, send, sendBlocks, receive, EqualBlocks<T>(topology.InDegree, send.Length));
    }

    /// <summary>Gathers a block of <paramref name="send"/>'s length from each source into a new array (MPI_Neighbor_allgather).</summary>
    public T[] NeighborAllgather<T>(ReadOnlySpan<T> send) where T : unmanaged
    {
        var receive = new T[RequireTopology("NeighborAllgather").InDegree * send.Length];
        NeighborAllgather(send, receive);
        return receive;
    }

    /// <summary>
    /// Sends <paramref name="send"/> to every destination and receives <paramref name="counts"/>[i]
    /// elements from source i at <paramref name="displacements"/>[i] of <paramref name="receive"/>
    /// (MPI_Neighbor_allgatherv).
    /// </summary>
    /// <exception cref="ArgumentException">Counts or displacements of the wrong length, or a block outside <paramref name="receive"/>.</exception>
    public void NeighborAllgatherv<T>(ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements)
        where T : unmanaged
    {
        ProcessTopology topology = RequireTopology("NeighborAllgatherv");
        var sendBlocks = new NeighborExchange.Block[topology.OutDegree];
        sendBlocks.AsSpan().Fill(new NeighborExchange.Block(0, Bytes<T>(send.Length)));
        Exchange("NeighborAllgatherv", topology, send, sendBlocks, receive,
            VariableBlocks<T>("NeighborAllgatherv", "receive", topology.InDegree, "sources", counts, displacements, receive.Length));
    }

    /// <summary>
    /// Sends block j of <paramref name="send"/> to destination j and receives block i of
    /// <paramref name="receive"/> from source i, all blocks of one length:
    /// <paramref name="send"/> holds out-degree blocks and <paramref name="receive"/> in-degree
    /// blocks (MPI_Neighbor_alltoall).
    /// </summary>
    /// <exception cref="ArgumentException">The buffers do not split into equal blocks, one per neighbour.</exception>
    public void NeighborAlltoall<T>(ReadOnlySpan<T> send, Span<T> receive) where T : unmanaged
    {
        ProcessTopology topology = RequireTopology("NeighborAlltoall");
        int outDegree = topology.OutDegree, inDegree = topology.InDegree;
        int block = outDegree > 0 ? send.Length / outDegree : inDegree > 0 ? receive.Length / inDegree : 0;
        if ((long)block * outDegree != send.Length || (long)block * inDegree != receive.Length)
            throw new ArgumentException($"NeighborAlltoall on '{Name}': send has {send.Length} elements for {outDegree} destinations and receive {receive.Length} for {inDegree} sources; both must be one equal block per neighbour", nameof(receive));
        Exchange("NeighborAlltoall", topology, send, EqualBlocks<T>(outDegree, block), receive, EqualBlocks<T>(inDegree, block));
    }

    /// <summary>
    /// Sends <paramref name="sendCounts"/>[j] elements at <paramref name="sendDisplacements"/>[j] to
    /// destination j and receives <paramref name="receiveCounts"/>[i] elements at
    /// <paramref name="receiveDisplacements"/>[i] from source i (MPI_Neighbor_alltoallv).
    /// </summary>
    /// <exception cref="ArgumentException">Counts or displacements of the wrong length, or a block outside its buffer.</exception>
    public void NeighborAlltoallv<T>(ReadOnlySpan<T> send, ReadOnlySpan<int> sendCounts, ReadOnlySpan<int> sendDisplacements,
        Span<T> receive, ReadOnlySpan<int> receiveCounts, ReadOnlySpan<int> receiveDisplacements) where T : unmanaged
    {
        ProcessTopology topology = RequireTopology("NeighborAlltoallv");
        Exchange("NeighborAlltoallv", topology, send,
            VariableBlocks<T>("NeighborAlltoallv", "send", topology.OutDegree, "destinations", sendCounts, sendDisplacements, send.Length),
            receive,
            VariableBlocks<T>("NeighborAlltoallv", "receive", topology.InDegree, "sources", receiveCounts, receiveDisplacements, receive.Length));
    }

    private void Exchange<T>(string operation, ProcessTopology topology, ReadOnlySpan<T> send, NeighborExchange.Block[] sendBlocks,
        Span<T> receive, NeighborExchange.Block[] receiveBlocks) where T : unmanaged
    {
        CallKind kind = operation switch
        {
            "NeighborAllgather" => CallKind.NeighborAllgather,
            "NeighborAllgatherv" => CallKind.NeighborAllgatherv,
            "NeighborAlltoall" => CallKind.NeighborAlltoall,
            _ => CallKind.NeighborAlltoallv,
        };
        int tag = Collective.NextTag();
        using CallTracker.Scope call = TrackCollective<T>(kind, tag, send.Length);
        fixed (byte* sendPointer = MemoryMarshal.AsBytes(send))
        fixed (byte* receivePointer = MemoryMarshal.AsBytes(receive))
            NeighborExchange.Run(Collective, topology, tag, sendPointer, sendBlocks, receivePointer, receiveBlocks);
    }

    private ProcessTopology RequireTopology(string operation)
    {
        CheckUsable();
        return VirtualTopology
            ?? throw new InvalidOperationException($"{operation} needs a communicator with a virtual topology, and '{Name}' has none; make one with CreateCartesian, CreateGraph or CreateDistributedGraph");
    }

    private static NeighborExchange.Block[] EqualBlocks<T>(int count, int elements) where T : unmanaged
    {
        var blocks = new NeighborExchange.Block[count];
        for (int i = 0; i < count; i++)
            blocks[i] = new NeighborExchange.Block(Bytes<T>((long)i * elements), Bytes<T>(elements));
        return blocks;
    }

    private NeighborExchange.Block[] VariableBlocks<T>(string operation, string buffer, int neighbors, string side,
        ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements, int bufferLength) where T : unmanaged
    {
        if (counts.Length != neighbors || displacements.Length != neighbors)
            throw new ArgumentException($"{operation} on '{Name}': {counts.Length} {buffer} counts and {displacements.Length} displacements for {neighbors} {side}; give one of each per neighbour");
        var blocks = new NeighborExchange.Block[neighbors];
        for (int i = 0; i < neighbors; i++)
        {
            if (counts[i] < 0 || displacements[i] < 0 || (long)displacements[i] + counts[i] > bufferLength)
                throw new ArgumentException($"{operation} on '{Name}': {buffer} block {i} ({counts[i]} elements at {displacements[i]}) is outside the {bufferLength}-element {buffer} buffer");
            blocks[i] = new NeighborExchange.Block(Bytes<T>(displacements[i]), Bytes<T>(counts[i]));
        }
        return blocks;
    }
}
