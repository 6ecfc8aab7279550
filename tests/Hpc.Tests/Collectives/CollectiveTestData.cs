namespace Hpc.Tests.Collectives;

/// <summary>
/// Inputs and sequential references shared by the collective tests. Every rank's data comes
/// from a seed derived from (test seed, rank), so a failure reproduces exactly.
/// </summary>
internal static class CollectiveTestData
{
    public static readonly int[] Sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16];

    /// <summary>Counts that hit the edges of block splitting: empty, one, one block per rank ± 1, and a larger vector.</summary>
    public static int[] CountsFor(int size) => [.. new[] { 0, 1, size - 1, size, size + 1, 1000 }.Distinct()];

    /// <summary>A small eager limit pushes most messages onto the rendezvous path.</summary>
    public const long SmallEagerLimit = 256;

    public static int[] Ints(int seed, int rank, int count)
    {
        var random = new Random(seed * 7919 + rank);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(-1000, 1000))];
    }

    public static float[] Floats(int seed, int rank, int count)
    {
        var random = new Random(seed * 7919 + rank);
        // Mixed magnitudes make float sums order-sensitive, so bit-identity is really tested.
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4))))];
    }

    public static double[] Doubles(int seed, int rank, int count)
    {
        var random = new Random(seed * 7919 + rank);
        return [.. Enumerable.Range(0, count).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 7)))];
    }

    public static Matrix2[] Matrices(int seed, int rank, int count)
    {
        var random = new Random(seed * 7919 + rank);
        return [.. Enumerable.Range(0, count).Select(_ => new Matrix2(random.Next(-3, 4), random.Next(-3, 4), random.Next(-3, 4), random.Next(-3, 4)))];
    }

    public static ValueRank<double>[] Locations(int seed, int rank, int count)
    {
        var random = new Random(seed * 7919 + rank);
        // Few distinct values, so ties (resolved to the lower rank) are common.
        return [.. Enumerable.Range(0, count).Select(_ => new ValueRank<double>(random.Next(0, 4), rank))];
    }

    /// <summary>x0 ∘ x1 ∘ … ∘ x(n−1), element-wise, in rank order.</summary>
    public static T[] Reduce<T>(IReadOnlyList<T[]> contributions, Func<T, T, T> op)
    {
        T[] result = [.. contributions[0]];
        for (int r = 1; r < contributions.Count; r++)
        {
            for (int i = 0; i < result.Length; i++)
                result[i] = op(result[i], contributions[r][i]);
        }
        return result;
    }

    public static ValueRank<double> MinLoc(ValueRank<double> a, ValueRank<double> b) =>
        b.Value < a.Value || (b.Value == a.Value && b.Rank < a.Rank) ? b : a;

    public static ValueRank<double> MaxLoc(ValueRank<double> a, ValueRank<double> b) =>
        b.Value > a.Value || (b.Value == a.Value && b.Rank < a.Rank) ? b : a;

    /// <summary>True when the float arrays hold the same bits (NaN-safe, −0 ≠ +0).</summary>
    public static bool SameBits(float[] a, float[] b) =>
        a.Length == b.Length && a.Select(BitConverter.SingleToInt32Bits).SequenceEqual(b.Select(BitConverter.SingleToInt32Bits));

    public static void AssertClose(double[] expected, double[] actual, double relative, string what)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Select(Math.Abs).DefaultIfEmpty(0).Max() + 1;
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - actual[i]) > relative * scale)
                Xunit.Assert.Fail($"{what}: element {i} is {actual[i]} but the reference is {expected[i]}");
        }
    }
}

/// <summary>
/// A 2×2 integer matrix: its product is associative but not commutative, the standard test
/// that an algorithm keeps rank order. Integer arithmetic wraps, which stays associative, so
/// results compare exactly.
/// </summary>
internal readonly record struct Matrix2(int A, int B, int C, int D)
{
    public static Matrix2 Identity => new(1, 0, 0, 1);

    public static Matrix2 operator *(Matrix2 x, Matrix2 y) => new(
        unchecked(x.A * y.A + x.B * y.C), unchecked(x.A * y.B + x.B * y.D),
        unchecked(x.C * y.A + x.D * y.C), unchecked(x.C * y.B + x.D * y.D));
}

/// <summary>Matrix product as a struct operator, the inlined form of a user operation.</summary>
internal readonly struct MatrixProduct : IReduceOperator<Matrix2>
{
    public Matrix2 Apply(Matrix2 left, Matrix2 right) => left * right;
}
