using System.Net;

namespace Hpc.Launcher;

/// <summary>
/// Where the job's hosts are and which address they meet on: for each host of the placement,
/// whether it is this machine, and, when some host is not, the address that mpirun's listeners
/// and the local ranks use so that the other hosts can reach them.
/// </summary>
/// <param name="IsLocal">Per host of the placement, true when it is this machine; empty without a placement.</param>
/// <param name="Address">The address other hosts reach this job on; loopback when every rank is local.</param>
internal sealed record JobNetwork(IReadOnlyList<bool> IsLocal, IPAddress Address)
{
    /// <summary>True when at least one host of the list is another machine (whether or not the job's own ranks run there).</summary>
    public bool SpansHosts => IsLocal.Contains(false);

    /// <summary>Decides locality for <paramref name="spec"/>'s placement and, if needed, resolves the address.</summary>
    /// <exception cref="UsageException">The job spans hosts and no suitable address exists.</exception>
    public static JobNetwork For(JobSpec spec)
    {
        if (spec.Placement is not { } placement)
            return new JobNetwork([], IPAddress.Loopback);
        bool[] local = new bool[placement.Hosts.Count];
        // A host the job's own ranks leave empty still gets a daemon, as Open MPI starts its
        // daemons on every host of the allocation: Communicator.Spawn places children on its slots,
        // and they could not reach ranks listening on loopback.
        for (int h = 0; h < local.Length; h++)
            local[h] = LocalHost.IsLocal(placement.Hosts[h].Name);
        bool spans = local.Contains(false);
        return new JobNetwork(local, spans ? ReachableAddress.Resolve(spec.Iface) : IPAddress.Loopback);
    }
}
