using System;
using System.Linq;
using MPI;

namespace MpiNetRank;

/// <summary>Data-movement collectives on unmanaged types, with the first and the last rank as root.</summary>
internal static class CollectiveChecks
{
    public static void Run(Intracommunicator world)
    {
        int rank = world.Rank, size = world.Size;
        world.Barrier();
        foreach (int root in new[] { 0, size - 1 }.Distinct())
        {
            // Broadcast.
            int value = rank == root ? 4242 + root : -1;
            world.Broadcast(ref value, root);
            Check.Equal(4242 + root, value, "Broadcast(ref int)");
            double[] data = rank == root ? Enumerable.Range(0, 1000).Select(i => i * 0.5).ToArray() : new double[1000];
            world.Broadcast(ref data, root);
            Check.True(data[999] == 499.5 && data[1] == 0.5, "Broadcast(ref double[])");
            var vector = rank == root ? new Vector2(1, 2) : default;
            world.Broadcast(ref vector, root);
            Check.Equal(new Vector2(1, 2), vector, "Broadcast(ref Vector2)");

            // Gather.
            int[] gathered = world.Gather(rank * 3, root);
            if (rank == root)
                Check.Sequence(Enumerable.Range(0, size).Select(r => r * 3), gathered, "Gather");
            else
                Check.True(gathered is null, "Gather gives non-roots null");
            long[] into = new long[size];
            world.Gather((long)rank, root, ref into);
            if (rank == root)
                Check.Sequence(Enumerable.Range(0, size).Select(r => (long)r), into, "Gather(ref long[])");
            int[] flat = world.GatherFlattened(new[] { rank, rank }, root);
            if (rank == root)
                Check.Sequence(Enumerable.Range(0, size).SelectMany(r => new[] { r, r }), flat, "GatherFlattened");
            int[] counts = Enumerable.Range(1, size).ToArray();
            int[] ragged = world.GatherFlattened(Enumerable.Repeat(rank, rank + 1).ToArray(), counts, root);
            if (rank == root)
                Check.Sequence(Enumerable.Range(0, size).SelectMany(r => Enumerable.Repeat(r, r + 1)), ragged, "GatherFlattened(counts)");
            else
                Check.True(ragged is null, "GatherFlattened gives non-roots null");

            // Scatter: the general form, and the root-only / non-root forms.
            int[] toScatter = rank == root ? Enumerable.Range(0, size).Select(r => r * 7).ToArray() : null;
            Check.Equal(rank * 7, world.Scatter(toScatter, root), "Scatter(values, root)");
            int split = rank == root ? world.Scatter(toScatter) : world.Scatter<int>(root);
            Check.Equal(rank * 7, split, "Scatter(values) / Scatter<T>(root)");
            double[] pieces = world.ScatterFromFlattened(
                rank == root ? Enumerable.Range(0, 2 * size).Select(i => (double)i).ToArray() : null, 2, root);
            Check.Sequence(new[] { 2.0 * rank, 2.0 * rank + 1 }, pieces, "ScatterFromFlattened(count)");
            int[] raggedPieces = world.ScatterFromFlattened(
                rank == root ? Enumerable.Range(0, size).SelectMany(r => Enumerable.Repeat(r, r + 1)).ToArray() : null, counts, root);
            Check.Sequence(Enumerable.Repeat(rank, rank + 1), raggedPieces, "ScatterFromFlattened(counts)");
        }

        // Allgather.
        Check.Sequence(Enumerable.Range(0, size), world.Allgather(rank), "Allgather");
        Vector2[] vectors = null;
        world.Allgather(new Vector2(rank, 1), ref vectors);
        Check.Sequence(Enumerable.Range(0, size).Select(r => new Vector2(r, 1)), vectors, "Allgather(ref Vector2[])");
        Check.Sequence(Enumerable.Range(0, size).SelectMany(r => new[] { r, -r }), world.AllgatherFlattened(new[] { rank, -rank }, 2), "AllgatherFlattened(count)");
        int[] allCounts = Enumerable.Range(1, size).ToArray();
        Check.Sequence(Enumerable.Range(0, size).SelectMany(r => Enumerable.Repeat(r, r + 1)),
            world.AllgatherFlattened(Enumerable.Repeat(rank, rank + 1).ToArray(), allCounts), "AllgatherFlattened(counts)");

        // Alltoall.
        int[] outgoing = Enumerable.Range(0, size).Select(d => rank * 100 + d).ToArray();
        Check.Sequence(Enumerable.Range(0, size).Select(s => s * 100 + rank), world.Alltoall(outgoing), "Alltoall");
        int[] pairs = Enumerable.Range(0, size).SelectMany(d => new[] { rank, d }).ToArray();
        Check.Sequence(Enumerable.Range(0, size).SelectMany(s => new[] { s, rank }), world.AlltoallFlattened(pairs, 2), "AlltoallFlattened(count)");
        // Rank r sends d + 1 copies of r to rank d, so it receives r + 1 copies of each sender's rank.
        int[] sendCounts = Enumerable.Range(1, size).ToArray();
        int[] recvCounts = Enumerable.Repeat(rank + 1, size).ToArray();
        int[] raggedOut = Enumerable.Range(0, size).SelectMany(d => Enumerable.Repeat(rank, d + 1)).ToArray();
        Check.Sequence(Enumerable.Range(0, size).SelectMany(s => Enumerable.Repeat(s, rank + 1)),
            world.AlltoallFlattened(raggedOut, sendCounts, recvCounts), "AlltoallFlattened(sendCounts, recvCounts)");
        world.Barrier();
    }
}
