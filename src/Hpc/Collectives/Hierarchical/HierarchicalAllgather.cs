namespace Hpc.Collectives.Hierarchical;

/// <summary>
/// Node-aware allgather (also Allgatherv; MPICH's and Open MPI coll/han's allgather): gather
/// each host's blocks at its leader, allgather whole hosts among the leaders (host h's blocks
/// as one block of the leaders' Allgatherv), then broadcast the full result within each host.
/// Each host's link carries every other host's data once, instead of once per rank on the host.
/// </summary>
/// <remarks>
/// The leaders exchange the blocks in host order. When hosts hold unbroken rank ranges and the
/// blocks are packed in rank order (plain Allgather), that order is the result's, and all three
/// phases work in the receive buffer itself; otherwise they work in a packed scratch buffer that
/// each rank then unpacks to the displacements it was given.
/// </remarks>
internal static class HierarchicalAllgather
{
    public static void Run<T>(NodeHierarchy hierarchy, ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements)
        where T : unmanaged
    {
        int hosts = hierarchy.HostCount;
        // packed[r]: where rank r's block lies when the blocks are packed host by host.
        var packed = new int[counts.Length];
        var hostCounts = new int[hosts];
        var hostOffsets = new int[hosts];
        int total = 0;
        for (int h = 0; h < hosts; h++)
        {
            hostOffsets[h] = total;
            foreach (int r in hierarchy.RanksOfHost[h])
            {
                packed[r] = total;
                total = checked(total + counts[r]);
            }
            hostCounts[h] = total - hostOffsets[h];
        }
        bool direct = hierarchy.HostsContiguous && displacements.SequenceEqual(packed);

        using PooledBuffer<T> scratch = PooledBuffer<T>.Rent(direct ? 0 : total);
        Span<T> all = direct ? receive[..total] : scratch.Span[..total];
        int mine = hierarchy.MyHost;
        Span<T> ownHost = all.Slice(hostOffsets[mine], hostCounts[mine]);

        Communicator host = hierarchy.Host;
        int[] local = hierarchy.RanksOfHost[mine];
        if (host.Size == 1)
        {
            send.CopyTo(ownHost);
        }
        else
        {
            var localCounts = new int[local.Length];
            for (int i = 0; i < local.Length; i++)
                localCounts[i] = counts[local[i]];
            host.Gatherv(send, hierarchy.IsLeader ? ownHost : [], localCounts, hierarchy.IsLeader ? Blocks.Packed(localCounts) : [], 0);
        }
        hierarchy.Leaders?.Allgatherv(ownHost, all, hostCounts, hostOffsets);
        host.Broadcast(all, 0);

        if (!direct)
        {
            for (int r = 0; r < counts.Length; r++)
                all.Slice(packed[r], counts[r]).CopyTo(receive.Slice(displacements[r], counts[r]));
        }
    }
}
