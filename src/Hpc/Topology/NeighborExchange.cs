using Hpc.Collectives;

namespace Hpc;

/// <summary>
/// The one exchange behind every neighbourhood collective (MPI_Neighbor_allgather, _alltoall and
/// their v-forms): block i of the receive buffer comes from the topology's source i, block j of
/// the send buffer goes to destination j, and <see cref="Communicator.ProcNull"/> neighbours are
/// skipped. Every receive is posted before any send starts, so no ordering of ranks can deadlock,
/// and all of it runs in the communicator's collective context under one collective tag, so no
/// user receive (not even AnySource/AnyTag) can take a neighbour's block.
/// </summary>
/// <remarks>
/// Several blocks may travel between the same two ranks (a periodic dimension of size 1 or 2, a
/// multigraph). They share the tag, so they match in the order they were started; the topology's
/// <see cref="ProcessTopology.ReceivePostingOrder"/> posts the receives in the order the peer
/// sends, so each block lands where MPI says it should.
/// </remarks>
internal static unsafe class NeighborExchange
{
    public static void Run(CollectiveContext context, ProcessTopology topology, int tag,
        byte* send, ReadOnlySpan<Block> sendBlocks, byte* receive, ReadOnlySpan<Block> receiveBlocks)
    {
        ReadOnlySpan<int> sources = topology.Sources;
        ReadOnlySpan<int> destinations = topology.Destinations;
        var receives = new Request?[sources.Length];
        var sends = new Request?[destinations.Length];
        try
        {
            for (int k = 0; k < sources.Length; k++)
            {
                int i = topology.ReceivePostingOrder(k);
                if (sources[i] != Communicator.ProcNull)
                    receives[i] = context.StartReceive(sources[i], tag, receive + receiveBlocks[i].Offset, receiveBlocks[i].Length);
            }
            for (int j = 0; j < destinations.Length; j++)
            {
                if (destinations[j] != Communicator.ProcNull)
                    sends[j] = context.StartSend(destinations[j], tag, send + sendBlocks[j].Offset, sendBlocks[j].Length);
            }
            for (int i = 0; i < sources.Length; i++)
            {
                if (receives[i] is { } request)
                    context.WaitReceive(request, receiveBlocks[i].Length, sources[i]);
            }
        }
        catch
        {
            context.AbandonReceives(receives);
            throw;
        }
        finally
        {
            // Sends read the caller's buffer: they must finish before it is released, even on failure.
            foreach (Request? request in sends)
            {
                if (request is { IsCompleted: false })
                    request.Wait();
            }
        }
    }

    /// <summary>A byte range of a send or receive buffer: one neighbour's block.</summary>
    public readonly record struct Block(long Offset, long Length);
}
