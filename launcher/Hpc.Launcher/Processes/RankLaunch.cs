namespace Hpc.Launcher;

/// <summary>Everything one rank is started with, on this host or by a daemon on another.</summary>
/// <param name="Rank">World rank.</param>
/// <param name="Program">What to run.</param>
/// <param name="Args">The program's arguments (after the program's own leading ones).</param>
/// <param name="Environment">Variables added to the starting process's environment, in order (later wins).</param>
/// <param name="WorkingDirectory">Working directory, or null for the starter's.</param>
/// <param name="Cpus">CPUs the rank is pinned to (<c>--bind-to</c>), or null for no pinning.</param>
internal sealed record RankLaunch(
    int Rank,
    ResolvedProgram Program,
    IReadOnlyList<string> Args,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string? WorkingDirectory = null,
    CpuSet? Cpus = null);

/// <summary>What a rank's standard input is.</summary>
internal enum RankStdin
{
    /// <summary>An immediately closed pipe: reading gives EOF, the ranks never compete for the terminal.</summary>
    Closed,
    /// <summary>mpirun's own stdin, inherited (the one rank <c>--stdin</c> names, rank 0 by default).</summary>
    Inherited,
    /// <summary>A pipe mpirun writes into (<c>--stdin all</c>, through <see cref="StdinForwarder"/>).</summary>
    Piped,
}
