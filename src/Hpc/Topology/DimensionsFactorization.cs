namespace Hpc;

/// <summary>
/// MPI_Dims_create: split a number of ranks into a grid whose free dimensions are as balanced
/// as possible. Fixed (non-zero) entries stay; the free ones get factors in non-increasing order.
/// </summary>
/// <remarks>
/// "As balanced as possible" is taken as the factor tuple, sorted largest first, that is
/// lexicographically smallest: first the smallest possible largest factor, then the smallest
/// possible second, and so on. It gives the standard's examples (6 over 2 → 3×2, 7 → 7×1,
/// (0,3,0) with 6 → 2×3×1) and avoids the greedy prime assignment's unbalanced answers. The
/// search walks divisors from the k-th root upwards, so it is cheap for any realistic rank count.
/// </remarks>
internal static class DimensionsFactorization
{
    public static int[] Compute(int nodes, ReadOnlySpan<int> dims)
    {
        string shown = $"({string.Join(",", dims.ToArray())})";
        if (nodes < 1)
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, $"ComputeDimensions: the number of ranks must be at least 1 (got {nodes})");
        long fixedProduct = 1;
        int free = 0;
        foreach (int d in dims)
        {
            if (d < 0)
                throw new ArgumentException($"ComputeDimensions: dims {shown} has the negative entry {d}; an entry is 0 (to be computed) or a fixed size >= 1", nameof(dims));
            if (d == 0)
                free++;
            else
                fixedProduct *= d;
            if (fixedProduct > nodes)
                break;
        }
        if (nodes % fixedProduct != 0 || (free == 0 && fixedProduct != nodes))
            throw new ArgumentException(free == 0
                ? $"ComputeDimensions: dims {shown} fixes every dimension, and their product {fixedProduct} is not the {nodes} ranks"
                : $"ComputeDimensions: {nodes} ranks cannot fill dims {shown}: the fixed entries' product {fixedProduct} does not divide {nodes}", nameof(dims));

        int[] factors = Balanced((int)(nodes / fixedProduct), free, int.MaxValue)
            ?? throw new InvalidOperationException("unreachable: every number has a factorization");
        int[] result = dims.ToArray();
        for (int i = 0, next = 0; i < result.Length; i++)
        {
            if (result[i] == 0)
                result[i] = factors[next++];
        }
        return result;
    }

    /// <summary>
    /// The lexicographically smallest non-increasing tuple of <paramref name="count"/> factors of
    /// <paramref name="n"/>, none above <paramref name="cap"/>; null when there is none.
    /// </summary>
    private static int[]? Balanced(int n, int count, int cap)
    {
        if (count == 0)
            return n == 1 ? [] : null;
        if (count == 1)
            return n <= cap ? [n] : null;
        // The largest factor is at least the count-th root of n; take the smallest that works.
        int low = Math.Max(1, (int)Math.Floor(Math.Pow(n, 1.0 / count)));
        while (Power(low, count) < n)
            low++;
        for (int d = low; d <= Math.Min(n, cap); d++)
        {
            if (n % d != 0)
                continue;
            int[]? rest = Balanced(n / d, count - 1, d);
            if (rest is not null)
                return [d, .. rest];
        }
        return null;
    }

    private static long Power(long b, int e)
    {
        long result = 1;
        for (int i = 0; i < e && result <= int.MaxValue; i++)
            result *= b;
        return result;
    }
}
