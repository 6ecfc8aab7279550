namespace Hpc.Messaging;

/// <summary>The envelope wildcards of a receive or probe (MPI_ANY_SOURCE, MPI_ANY_TAG), which the public API exposes.</summary>
internal static class Wildcards
{
    /// <summary>Matches a message from any source.</summary>
    public const int AnySource = -1;

    /// <summary>Matches a message with any tag.</summary>
    public const int AnyTag = -1;
}
