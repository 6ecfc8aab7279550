using System;
using System.Linq;
using System.Numerics;
using MPI;

namespace MpiNetRank;

/// <summary>Every collective with types that travel serialized.</summary>
internal static class SerializedCollectiveChecks
{
    public static void Run(Intracommunicator world)
    {
        int rank = world.Rank, size = world.Size;
        string all = string.Concat(Enumerable.Range(0, size));
        foreach (int root in new[] { 0, size - 1 }.Distinct())
        {
            string text = rank == root ? $"broadcast by {root}" : null;
            world.Broadcast(ref text, root);
            Check.Equal($"broadcast by {root}", text, "Broadcast(ref string)");
            string[] texts = rank == root ? new[] { "a", "b", new string('c', 50_000) } : null;
            world.Broadcast(ref texts, root);
            Check.True(texts.Length == 3 && texts[2].Length == 50_000, "Broadcast(ref string[]) replaces the array");
            Particle particle = rank == root ? new Particle("root", [1, 2, 3], root) : null;
            world.Broadcast(ref particle, root);
            Check.Equal(new Particle("root", [1, 2, 3], root), particle, "Broadcast(ref Particle)");

            string[] gathered = world.Gather($"r{rank}", root);
            if (rank == root)
                Check.Sequence(Enumerable.Range(0, size).Select(r => $"r{r}"), gathered, "Gather<string>");
            else
                Check.True(gathered is null, "Gather<string> gives non-roots null");
            Message[] messages = new Message[size];
            world.Gather(new Message("m", rank, [rank]), root, ref messages);
            if (rank == root)
                Check.True(messages.Select(m => m.From).SequenceEqual(Enumerable.Range(0, size)), "Gather(ref Message[])");
            string[] flat = world.GatherFlattened(new[] { $"{rank}a", $"{rank}b" }, root);
            if (rank == root)
                Check.Sequence(Enumerable.Range(0, size).SelectMany(r => new[] { $"{r}a", $"{r}b" }), flat, "GatherFlattened<string>");
            int[] counts = Enumerable.Range(1, size).ToArray();
            string[] ragged = world.GatherFlattened(Enumerable.Repeat($"{rank}", rank + 1).ToArray(), counts, root);
            if (rank == root)
                Check.Sequence(Enumerable.Range(0, size).SelectMany(r => Enumerable.Repeat($"{r}", r + 1)), ragged, "GatherFlattened<string>(counts)");

            string[] toScatter = rank == root ? Enumerable.Range(0, size).Select(r => $"for {r}").ToArray() : null;
            Check.Equal($"for {rank}", world.Scatter(toScatter, root), "Scatter<string>");
            Check.Equal($"for {rank}", rank == root ? world.Scatter(toScatter) : world.Scatter<string>(root), "Scatter<string> root/non-root forms");
            string[] pieces = world.ScatterFromFlattened(
                rank == root ? Enumerable.Range(0, size).SelectMany(r => Enumerable.Repeat($"{r}", r + 1)).ToArray() : null, counts, root);
            Check.Sequence(Enumerable.Repeat($"{rank}", rank + 1), pieces, "ScatterFromFlattened<string>(counts)");
            string[] pairs = world.ScatterFromFlattened(
                rank == root ? Enumerable.Range(0, 2 * size).Select(i => $"{i}").ToArray() : null, 2, root);
            Check.Sequence(new[] { $"{2 * rank}", $"{2 * rank + 1}" }, pairs, "ScatterFromFlattened<string>(count)");

            string concatenated = world.Reduce($"{rank}", Operation<string>.Add, root);
            Check.Equal(rank == root ? all : null, concatenated, "Reduce<string> concatenates in rank order");
            string[] columns = world.Reduce(new[] { $"{rank}", "x" }, Operation<string>.Add, root);
            if (rank == root)
                Check.Sequence(new[] { all, new string('x', size) }, columns, "Reduce<string[]>");
        }

        Check.Sequence(Enumerable.Range(0, size).Select(r => $"r{r}"), world.Allgather($"r{rank}"), "Allgather<string>");
        Particle[] particles = null;
        world.Allgather(new Particle($"p{rank}", [rank], rank), ref particles);
        Check.True(particles.Select(p => p.Id).SequenceEqual(Enumerable.Range(0, size)), "Allgather(ref Particle[])");
        Check.Sequence(Enumerable.Range(0, size).SelectMany(r => new[] { $"{r}", "-" }), world.AllgatherFlattened(new[] { $"{rank}", "-" }, 2), "AllgatherFlattened<string>");
        Check.Sequence(Enumerable.Range(0, size).Select(s => $"{s}->{rank}"), world.Alltoall(Enumerable.Range(0, size).Select(d => $"{rank}->{d}").ToArray()), "Alltoall<string>");
        int[] sendCounts = Enumerable.Range(1, size).ToArray();
        int[] recvCounts = Enumerable.Repeat(rank + 1, size).ToArray();
        string[] raggedOut = Enumerable.Range(0, size).SelectMany(d => Enumerable.Repeat($"{rank}", d + 1)).ToArray();
        Check.Sequence(Enumerable.Range(0, size).SelectMany(s => Enumerable.Repeat($"{s}", rank + 1)),
            world.AlltoallFlattened(raggedOut, sendCounts, recvCounts), "AlltoallFlattened<string>");

        Check.Equal(all, world.Allreduce($"{rank}", Operation<string>.Add), "Allreduce<string>");
        Check.Sequence(new[] { all, all }, world.Allreduce(new[] { $"{rank}", $"{rank}" }, Operation<string>.Add), "Allreduce<string[]>");
        Check.Equal(Enumerable.Range(1, size).Aggregate(BigInteger.One, (a, b) => a * b), world.Allreduce(new BigInteger(rank + 1), Operation<BigInteger>.Multiply), "Allreduce BigInteger");
        Check.Equal(string.Concat(Enumerable.Range(0, rank + 1)), world.Scan($"{rank}", Operation<string>.Add), "Scan<string>");
        Check.Sequence(new[] { string.Concat(Enumerable.Range(0, rank + 1)) }, world.Scan(new[] { $"{rank}" }, Operation<string>.Add), "Scan<string[]>");
        Check.Equal(rank == 0 ? null : string.Concat(Enumerable.Range(0, rank)), world.ExclusiveScan($"{rank}", Operation<string>.Add), "ExclusiveScan<string>");
        string[] exclusive = world.ExclusiveScan(new[] { $"{rank}" }, Operation<string>.Add);
        if (rank == 0)
            Check.True(exclusive is null, "ExclusiveScan<string[]> gives rank 0 null");
        else
            Check.Sequence(new[] { string.Concat(Enumerable.Range(0, rank)) }, exclusive, "ExclusiveScan<string[]>");
        int[] pieceCounts = Enumerable.Range(1, size).ToArray();
        string[] mine = world.ReduceScatter(Enumerable.Repeat($"{rank}", pieceCounts.Sum()).ToArray(), Operation<string>.Add, pieceCounts);
        Check.True(mine.Length == rank + 1 && mine.All(s => s == all), "ReduceScatter<string>");
        world.Barrier();
    }
}
