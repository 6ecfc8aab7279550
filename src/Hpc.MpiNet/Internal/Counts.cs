namespace MPI.Internal;

/// <summary>The per-process count arrays of MPI.NET's v-form collectives (Gatherv, Scatterv, Alltoallv, …), for intra- and intercommunicators alike.</summary>
internal static class Counts
{
    /// <summary>The sum of <paramref name="counts"/>, each checked non-negative; <paramref name="name"/> names the argument in errors.</summary>
    public static int Total(int[] counts, string name)
    {
        ArgumentNullException.ThrowIfNull(counts, name);
        long total = 0;
        foreach (int count in counts)
        {
            if (count < 0)
                throw new ArgumentException($"{name} holds a negative count ({count})", name);
            total += count;
        }
        return checked((int)total);
    }

    /// <summary><paramref name="length"/> counts of <paramref name="count"/> each.</summary>
    public static int[] Uniform(int length, int count)
    {
        var counts = new int[length];
        Array.Fill(counts, count);
        return counts;
    }
}
