namespace Hpc.Collectives.Scatter;

/// <summary>
/// Linear scatter (and Scatterv): the root starts one send per rank straight from its buffer
/// and waits for all of them. The only option when the counts are known to the root alone
/// (Scatterv), and the best for large blocks.
/// </summary>
internal static unsafe class LinearScatter
{
    /// <summary>MPI_Scatter's case: every rank receives as many elements, its block of the root's packed buffer.</summary>
    public static void Run<T>(CollectiveContext context, int tag, ReadOnlySpan<T> send, Span<T> receive, int root) where T : unmanaged
    {
        int[] counts = Blocks.Uniform(context.Size, receive.Length);
        Run(context, tag, send, counts, Blocks.Packed(counts), receive, root);
    }

    /// <remarks>
    /// <para><paramref name="counts"/>: Elements for each rank; read at the root only.</para>
    /// <para><paramref name="displacements"/>: Where each rank's block starts in <paramref name="send"/>; read at the root only.</para>
    /// <para><paramref name="receive"/>: This rank's block; its length is the count this rank expects.</para>
    /// </remarks>
    public static void Run<T>(CollectiveContext context, int tag, ReadOnlySpan<T> send, ReadOnlySpan<int> counts, ReadOnlySpan<int> displacements, Span<T> receive, int root)
        where T : unmanaged
    {
        int size = context.Size;
        if (context.Rank != root)
        {
            context.Receive(root, tag, receive);
            return;
        }
        var sends = new List<Request>(size);
        fixed (T* pointer = send)
        {
            for (int dest = 0; dest < size; dest++)
            {
                if (dest != root)
                    sends.Add(context.StartSend(dest, tag, (byte*)(pointer + displacements[dest]), (long)counts[dest] * sizeof(T)));
            }
            send.Slice(displacements[root], counts[root]).CopyTo(receive);
            Request.WaitAll(CollectionsMarshal.AsSpan(sends));
        }
    }
}
