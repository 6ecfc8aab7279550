namespace Hpc.Collectives.Gather;

/// <summary>
/// Linear gather (and Gatherv): every rank sends its block straight to the root, which has
/// posted a receive for each one into its final place. One step, no copies through
/// intermediate ranks; the root's link carries everything, which is fine for large blocks and
/// is the only option when the counts are known to the root alone (Gatherv).
/// </summary>
internal static unsafe class LinearGather
{
    /// <summary>MPI_Gather's case: every rank sends as many elements, packed at the root in rank order.</summary>
    public static void Run<T>(CollectiveContext context, int tag, ReadOnlySpan<T> send, Span<T> receive, int root) where T : unmanaged
    {
        int[] counts = Blocks.Uniform(context.Size, send.Length);
        Run(context, tag, send, receive, counts, Blocks.Packed(counts), root);
    }

    /// <remarks>
    /// <para><paramref name="counts"/>: Elements from each rank; read at the root only.</para>
    /// <para><paramref name="displacements"/>: Where each rank's block starts in <paramref name="receive"/>; read at the root only.</para>
    /// </remarks>
    public static void Run<T>(CollectiveContext context, int tag, ReadOnlySpan<T> send, Span<T> receive, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements, int root)
        where T : unmanaged
    {
        int size = context.Size;
        int rank = context.Rank;
        if (rank != root)
        {
            context.Send(root, tag, send);
            return;
        }
        var receives = new Request?[size];
        fixed (T* pointer = receive)
        {
            try
            {
                for (int source = 0; source < size; source++)
                {
                    if (source != root)
                        receives[source] = context.StartReceive(source, tag, (byte*)(pointer + displacements[source]), (long)counts[source] * sizeof(T));
                }
                send.CopyTo(receive.Slice(displacements[root], counts[root]));
                for (int source = 0; source < size; source++)
                {
                    if (source != root)
                        context.WaitReceive(receives[source]!, (long)counts[source] * sizeof(T), source);
                }
            }
            catch
            {
                context.AbandonReceives(receives);
                throw;
            }
        }
    }
}
