namespace Hpc.Collectives.Barrier;

/// <summary>
/// Dissemination barrier (Hensgen, Finkel and Manber): in round k every rank signals the rank
/// 2^k ahead and waits for the rank 2^k behind. After ⌈log2 n⌉ rounds each rank has heard,
/// directly or not, from every other — for any n, not only powers of two.
/// </summary>
internal static class DisseminationBarrier
{
    /// <remarks>
    /// <para><paramref name="tag"/>: Drawn by the caller with <see cref="CollectiveContext.NextTag"/>, at call time.</para>
    /// </remarks>
    public static void Run(CollectiveContext context, int tag)
    {
        int size = context.Size;
        int rank = context.Rank;
        for (int distance = 1; distance < size; distance <<= 1)
        {
            int to = (rank + distance) % size;
            int from = (rank - distance + size) % size;
            context.SendReceive<byte>(to, [], from, [], tag);
        }
    }
}
