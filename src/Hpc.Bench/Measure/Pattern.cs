namespace Hpc.Bench.Measure;

/// <summary>
/// The values benchmarks send, so that <c>--check</c> knows what every result must be. Element
/// <c>index</c> of rank <c>r</c> in iteration <c>i</c> is <c>r + 1 + (index + i) mod 13</c>:
/// small whole numbers, so float sums over any rank count are exact; different per rank, per
/// position and per iteration, so a block delivered to the wrong place, a missing contribution
/// or a stale result from the previous call all show. Outputs are zeroed before each checked
/// call and no valid result is 0.
/// </summary>
internal static class Pattern
{
    private const int Period = 13;

    public static long Value(int rank, long index, int iteration) => rank + 1 + Phase(index, iteration);

    /// <summary>The sum of <see cref="Value"/> over ranks 0 … ranks−1.</summary>
    public static long Sum(int ranks, long index, int iteration) => (long)ranks * (ranks + 1) / 2 + ranks * Phase(index, iteration);

    // Warm-up iterations are numbered below 0; the phase stays in 0 … 12 so no value is 0.
    private static long Phase(long index, int iteration)
    {
        long phase = (index + iteration) % Period;
        return phase < 0 ? phase + Period : phase;
    }

    /// <summary>Writes rank <paramref name="rank"/>'s values for positions firstIndex, firstIndex + 1, ….</summary>
    public static void Fill<T>(Span<T> data, int rank, long firstIndex, int iteration) where T : unmanaged, INumber<T>
    {
        for (int j = 0; j < data.Length; j++)
            data[j] = T.CreateTruncating(Value(rank, firstIndex + j, iteration));
    }

    /// <summary>The first element of <paramref name="actual"/> that is not rank <paramref name="rank"/>'s value, or null.</summary>
    public static Mismatch? CheckRank<T>(ReadOnlySpan<T> actual, int rank, long firstIndex, int iteration) where T : unmanaged, INumber<T> =>
        FirstMismatch(actual, firstIndex, iteration, rank, summed: false);

    /// <summary>The first element of <paramref name="actual"/> that is not the sum over <paramref name="ranks"/> ranks, or null.</summary>
    public static Mismatch? CheckSum<T>(ReadOnlySpan<T> actual, int ranks, long firstIndex, int iteration) where T : unmanaged, INumber<T> =>
        FirstMismatch(actual, firstIndex, iteration, ranks, summed: true);

    // The one comparison loop: the expected value is rank's (Value) or, summed, that over ranks 0 … rank−1 (Sum).
    private static Mismatch? FirstMismatch<T>(ReadOnlySpan<T> actual, long firstIndex, int iteration, int rank, bool summed)
        where T : unmanaged, INumber<T>
    {
        for (int j = 0; j < actual.Length; j++)
        {
            long index = firstIndex + j;
            T expected = T.CreateTruncating(summed ? Sum(rank, index, iteration) : Value(rank, index, iteration));
            if (actual[j] != expected)
                return new Mismatch(index, expected.ToString()!, actual[j].ToString()!);
        }
        return null;
    }

    /// <summary>Checks an array of <paramref name="ranks"/> blocks where block s holds rank s's values at its own positions.</summary>
    public static Mismatch? CheckGathered<T>(ReadOnlySpan<T> actual, int ranks, int block, int iteration) where T : unmanaged, INumber<T>
    {
        for (int s = 0; s < ranks; s++)
        {
            if (CheckRank(actual.Slice(s * block, block), s, (long)s * block, iteration) is { } mismatch)
                return mismatch;
        }
        return null;
    }
}

/// <summary>A wrong result element: where, what it should be, what it was.</summary>
internal sealed record Mismatch(long Index, string Expected, string Actual)
{
    public override string ToString() => $"element {Index}: expected {Expected}, got {Actual}";
}
