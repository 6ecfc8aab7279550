namespace Hpc.Collectives;

/// <summary>
/// Per-job algorithm choices from <c>HPC_COLL</c> (set by <c>mpirun --coll</c>):
/// comma-separated <c>collective=algorithm</c> pairs, e.g. <c>allreduce=ring,bcast=binomial</c>.
/// Names are case-insensitive; "auto" leaves a collective to the selector. A collective given
/// twice, an unknown collective or an unknown algorithm is an error listing the valid names.
/// </summary>
internal sealed class CollectiveOverrides
{
    private readonly int[] _algorithms;

    private CollectiveOverrides(int[] algorithms) => _algorithms = algorithms;

    public static CollectiveOverrides None { get; } = new(new int[CollectiveCatalog.Count]);

    /// <summary>The algorithm value forced for <paramref name="collective"/>, or 0 (Auto).</summary>
    public int For(Collective collective) => _algorithms[(int)collective];

    /// <exception cref="FormatException">The text is malformed; the message says which part and lists valid names.</exception>
    public static CollectiveOverrides Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
            return None;
        var algorithms = new int[CollectiveCatalog.Count];
        var seen = new bool[algorithms.Length];
        foreach (string rawPair in spec.Split(','))
        {
            string pair = rawPair.Trim();
            if (pair.Length == 0)
                continue;
            int equals = pair.IndexOf('=');
            if (equals <= 0 || equals == pair.Length - 1)
                throw new FormatException($"'{pair}' is not of the form collective=algorithm (e.g. allreduce=ring)");
            CollectiveCatalog.Entry entry = CollectiveCatalog.Parse(pair[..equals]);
            if (seen[(int)entry.Collective])
                throw new FormatException($"{entry.Name} is given more than once");
            seen[(int)entry.Collective] = true;
            algorithms[(int)entry.Collective] = CollectiveCatalog.ParseAlgorithm(entry, pair[(equals + 1)..]);
        }
        return new CollectiveOverrides(algorithms);
    }
}
