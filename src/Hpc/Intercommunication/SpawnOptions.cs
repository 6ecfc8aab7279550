namespace Hpc;

/// <summary>
/// What one <see cref="Communicator.Spawn(string, string[], int, int, SpawnOptions)"/> asks of
/// mpirun beyond the program and the count: the MPI_Info keys of MPI_Comm_spawn that Hpc honours.
/// Read at the root only, like the command.
/// </summary>
public sealed record SpawnOptions
{
    /// <summary>
    /// The hosts the children may run on, by their names in the job's host list (MPI's reserved
    /// <c>host</c> info key; Open MPI reads it as a comma-separated list, as here). The children
    /// are placed over these hosts alone by the usual rule (their free slots, then round-robin),
    /// in the job's host order whatever the order here. Null or empty: every host of the job.
    /// Without a host list the only host is mpirun's own, by any name that is this machine.
    /// </summary>
    public IReadOnlyList<string>? Hosts { get; init; }

    /// <summary>The hosts, checked; empty for no restriction.</summary>
    /// <exception cref="ArgumentException">A name is empty or holds white space or a comma.</exception>
    internal IReadOnlyList<string> CheckedHosts()
    {
        if (Hosts is null)
            return [];
        foreach (string? host in Hosts)
        {
            if (string.IsNullOrEmpty(host) || host.Any(c => char.IsWhiteSpace(c) || c == ','))
                throw new ArgumentException($"SpawnOptions.Hosts: '{host}' is not a host name", nameof(Hosts));
        }
        return Hosts;
    }
}
