namespace MPI;

/// <summary>The result of comparing two communicators or two groups (MPI_IDENT, MPI_CONGRUENT, MPI_SIMILAR, MPI_UNEQUAL).</summary>
public enum Comparison
{
    /// <summary>The same object: the same processes in the same order (for communicators, the same communication context).</summary>
    Identical = 0,

    /// <summary>Two communicators with the same processes in the same order but different communication contexts.</summary>
    Congruent = 1,

    /// <summary>The same processes in a different order.</summary>
    Similar = 2,

    /// <summary>Different processes.</summary>
    Unequal = 3,
}
