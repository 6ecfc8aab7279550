using Hpc.Collectives;

namespace Hpc;

/// <summary>
/// Converts collective algorithms to and from the names used by <c>HPC_COLL</c>,
/// <c>mpirun --coll</c>, tuning files and command-line options: snake_case of the enum member
/// (<c>AllreduceAlgorithm.RecursiveDoubling</c> is "recursive_doubling").
/// </summary>
public static class AlgorithmNames
{
    /// <summary>The name of <paramref name="algorithm"/>, e.g. "ring" or "recursive_doubling".</summary>
    public static string Of<TAlgorithm>(TAlgorithm algorithm) where TAlgorithm : struct, Enum
    {
        CollectiveCatalog.Entry entry = CollectiveCatalog.OfAlgorithmType(typeof(TAlgorithm));
        int value = Convert.ToInt32(algorithm, System.Globalization.CultureInfo.InvariantCulture);
        return (uint)value < (uint)entry.AlgorithmNames.Length ? entry.AlgorithmNames[value] : algorithm.ToString();
    }

    /// <summary>
    /// Parses an algorithm name (case-insensitive; "auto" gives Auto).
    /// </summary>
    /// <exception cref="FormatException">
    /// Unknown name; the message lists the valid ones, e.g.
    /// <c>unknown allreduce algorithm 'foo'; valid: ring, tree, recursive_doubling, rabenseifner</c>.
    /// </exception>
    public static TAlgorithm Parse<TAlgorithm>(string name) where TAlgorithm : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(name);
        CollectiveCatalog.Entry entry = CollectiveCatalog.OfAlgorithmType(typeof(TAlgorithm));
        return (TAlgorithm)Enum.ToObject(typeof(TAlgorithm), CollectiveCatalog.ParseAlgorithm(entry, name));
    }

    /// <summary>The concrete algorithm names of one enum (without "auto"), in declaration order.</summary>
    public static IReadOnlyList<string> ValidNames<TAlgorithm>() where TAlgorithm : struct, Enum =>
        CollectiveCatalog.OfAlgorithmType(typeof(TAlgorithm)).AlgorithmNames[1..];

    /// <summary>The concrete algorithm names of <paramref name="collective"/> (without "auto"), as <c>HPC_COLL</c> and tuning files spell them.</summary>
    public static IReadOnlyList<string> ValidNames(Collective collective) => CollectiveCatalog.Of(collective).AlgorithmNames[1..];

    /// <summary>The name of <paramref name="collective"/> in <c>HPC_COLL</c> and tuning files: "allreduce", "bcast", "reduce_scatter", ….</summary>
    public static string Of(Collective collective) => CollectiveCatalog.NameOf(collective);

    /// <summary>Parses a collective name as <c>HPC_COLL</c> and tuning files spell it ("broadcast" is accepted for "bcast").</summary>
    /// <exception cref="FormatException">Unknown name; the message lists the valid ones.</exception>
    public static Collective ParseCollective(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return CollectiveCatalog.Parse(name).Collective;
    }
}
