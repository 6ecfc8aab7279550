using System;
using System.Linq;
using MPI;

namespace MpiNetRank;

/// <summary>Reductions on unmanaged types: built-ins, user delegates, user structs, non-commutative operations.</summary>
internal static class ReductionChecks
{
    public static void Run(Intracommunicator world)
    {
        int rank = world.Rank, size = world.Size;
        int triangle = size * (size - 1) / 2;

        // Every Operation<T> built-in through Allreduce.
        Check.Equal(triangle, world.Allreduce(rank, Operation<int>.Add), "Allreduce Add");
        Check.Equal(Enumerable.Range(1, size).Aggregate(1L, (a, b) => a * b), world.Allreduce((long)rank + 1, Operation<long>.Multiply), "Allreduce Multiply");
        Check.Equal(0, world.Allreduce(rank, Operation<int>.Min), "Allreduce Min");
        Check.Equal(size - 1.0, world.Allreduce((double)rank, Operation<double>.Max), "Allreduce Max");
        Check.Equal(size == 1, world.Allreduce(rank == 0, Operation<bool>.LogicalAnd), "Allreduce bool LogicalAnd");
        Check.Equal(true, world.Allreduce(rank == 0, Operation<bool>.LogicalOr), "Allreduce bool LogicalOr");
        Check.Equal(size == 1 ? 0 : 0, world.Allreduce(rank, Operation<int>.LogicalAnd), "Allreduce int LogicalAnd (rank 0 contributes 0)");
        Check.Equal(size > 1 ? 1 : 0, world.Allreduce(rank, Operation<int>.LogicalOr), "Allreduce int LogicalOr");
        Check.Equal((1 << size) - 1, world.Allreduce(1 << rank, Operation<int>.BitwiseOr), "Allreduce BitwiseOr");
        Check.Equal(size == 1 ? 1 : 0, world.Allreduce(1 << rank, Operation<int>.BitwiseAnd), "Allreduce BitwiseAnd");
        Check.Equal(Enumerable.Range(0, size).Aggregate(0, (a, r) => a ^ (r * 3)), world.Allreduce(rank * 3, Operation<int>.ExclusiveOr), "Allreduce ExclusiveOr");
        Check.Equal((ulong)triangle, world.Allreduce((ulong)rank, Operation<ulong>.Add), "Allreduce ulong Add");
        Check.Equal((float)triangle, world.Allreduce((float)rank, Operation<float>.Add), "Allreduce float Add");
        Check.Equal((short)(size - 1), world.Allreduce((short)rank, Operation<short>.Max), "Allreduce short Max");

        // Floating-point sums are bit-identical on every rank.
        double noisy = world.Allreduce(0.1 * (rank + 1) / 3.0, Operation<double>.Add);
        double[] everywhere = world.Allgather(noisy);
        Check.True(everywhere.All(x => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(noisy)), "a double Allreduce is bit-identical on every rank");

        // User delegates, user structs, types Hpc has no built-in for.
        Check.Equal(triangle, world.Allreduce(rank, (a, b) => a + b), "Allreduce with a lambda");
        Check.Equal(new Vector2(triangle, size), world.Allreduce(new Vector2(rank, 1), Operation<Vector2>.Add), "Allreduce Vector2 (operator +)");
        Check.Equal(new Vector2(0, 0), world.Allreduce(new Vector2(rank, rank), Operation<Vector2>.Min), "Allreduce Vector2 Min (operator <)");
        Check.Equal(triangle * 0.5m, world.Allreduce(rank * 0.5m, Operation<decimal>.Add), "Allreduce decimal");
        Check.Equal(new Span2(0, size - 1), world.Allreduce(new Span2(rank, rank), Span2.Combine), "Allreduce in rank order (non-commutative)");

        // Arrays.
        int[] vector = Enumerable.Range(0, 5).Select(i => i + rank).ToArray();
        Check.Sequence(Enumerable.Range(0, 5).Select(i => i * size + triangle), world.Allreduce(vector, Operation<int>.Add), "Allreduce(int[])");
        double[] maxima = null;
        world.Allreduce(vector.Select(v => (double)v).ToArray(), Operation<double>.Max, ref maxima);
        Check.Sequence(Enumerable.Range(0, 5).Select(i => (double)(i + size - 1)), maxima, "Allreduce(double[], ref)");
        Span2[] spans = world.Allreduce(new[] { new Span2(rank, rank), new Span2(-rank, -rank) }, Span2.Combine);
        Check.Sequence(new[] { new Span2(0, size - 1), new Span2(0, 1 - size) }, spans, "Allreduce(Span2[]) in rank order");

        foreach (int root in new[] { 0, size - 1 }.Distinct())
        {
            int reduced = world.Reduce(rank, Operation<int>.Add, root);
            Check.Equal(rank == root ? triangle : 0, reduced, "Reduce (default off the root)");
            int[] reducedArray = world.Reduce(vector, Operation<int>.Max, root);
            if (rank == root)
                Check.Sequence(Enumerable.Range(0, 5).Select(i => i + size - 1), reducedArray, "Reduce(int[])");
            else
                Check.True(reducedArray is null, "Reduce(int[]) gives non-roots null");
            Span2[] ordered = new Span2[1];
            world.Reduce(new[] { new Span2(rank, rank) }, Span2.Combine, root, ref ordered);
            if (rank == root)
                Check.Equal(new Span2(0, size - 1), ordered[0], "Reduce(ref) in rank order");
        }

        // Scans.
        Check.Equal((rank + 1) * (rank + 2) / 2, world.Scan(rank + 1, Operation<int>.Add), "Scan");
        Check.Equal(new Span2(0, rank), world.Scan(new Span2(rank, rank), Span2.Combine), "Scan in rank order");
        Check.Sequence(new[] { rank + 1, 1 }, world.Scan(new[] { 1, 1 }, Operation<int>.Add).Select((v, i) => i == 0 ? v : v / (rank + 1)), "Scan(int[])");
        int exclusive = world.ExclusiveScan(rank + 1, Operation<int>.Add);
        Check.Equal(rank * (rank + 1) / 2, exclusive, "ExclusiveScan (rank 0 gets default)");
        Check.Equal(rank == 0 ? default : new Span2(0, rank - 1), world.ExclusiveScan(new Span2(rank, rank), Span2.Combine), "ExclusiveScan in rank order");
        int[] exclusiveArray = world.ExclusiveScan(new[] { 1, 2 }, Operation<int>.Add);
        if (rank == 0)
            Check.True(exclusiveArray is null, "ExclusiveScan(int[]) gives rank 0 null");
        else
            Check.Sequence(new[] { rank, 2 * rank }, exclusiveArray, "ExclusiveScan(int[])");

        // ReduceScatter: rank r gets r + 1 elements of the sum.
        int[] counts = Enumerable.Range(1, size).ToArray();
        int total = counts.Sum();
        int[] mine = world.ReduceScatter(Enumerable.Range(0, total).ToArray(), Operation<int>.Add, counts);
        int offset = rank * (rank + 1) / 2;
        Check.Sequence(Enumerable.Range(offset, rank + 1).Select(i => i * size), mine, "ReduceScatter");
        Span2[] orderedPieces = world.ReduceScatter(Enumerable.Repeat(new Span2(rank, rank), total).ToArray(), Span2.Combine, counts);
        Check.True(orderedPieces.Length == rank + 1 && orderedPieces.All(s => s == new Span2(0, size - 1)), "ReduceScatter in rank order");
        world.Barrier();
    }
}
