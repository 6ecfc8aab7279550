using System.Security.Cryptography;
using System.Text;
using Hpc.Bootstrap;
using Hpc.Messaging;
using Hpc.Reduction;
using Hpc.Transport.Tcp;

namespace Hpc;

/// <summary>
/// Dynamic processes (MPI_Comm_spawn, MPI_Comm_get_parent): a communicator's root asks mpirun to
/// start a new world, and the parents and the children are then linked by TCP and joined by an
/// <see cref="Intercommunicator"/>.
/// </summary>
/// <remarks>
/// <para>
/// Shaped like Open MPI's <c>ompi_dpm_connect_accept</c> after a PRRTE spawn and MPICH's
/// port-based connect/accept, but with mpirun as the one meeting point: (1) the root sends
/// <c>SPAWN</c> over its control connection; mpirun resolves the program as it resolves its own,
/// starts the children with a rendezvous server of their own (their world wires up as any job's),
/// and answers <c>SPAWNED</c>. (2) The root broadcasts the outcome to its group. (3) Every parent
/// and, at the end of its Init, every child publishes a fresh TCP endpoint under the spawn's id
/// (<c>CONNECT</c>: member index, parents first; its context candidate; host; endpoint), and mpirun
/// sends all of them to all (<c>PEERS</c>). (4) Each process connects to every member of the
/// other group (<see cref="TcpTransport.ConnectAll"/> over parents ∪ children, links only across
/// the groups) and adds the links to its table as process indices after its world's
/// (<see cref="RankRuntime.AddPeers"/>). The intercommunicator's contexts are the maximum of
/// every member's candidate, so they are free on both sides without another round.
/// </para>
/// <para>
/// Parents and children always talk over TCP, also on one host: the shared-memory inboxes are
/// sized for the world at Init and are not grown.
/// </para>
/// </remarks>
internal static class DynamicProcesses
{
    /// <summary>The parents' side: collective over <paramref name="comm"/>; the command, arguments, count and options matter at <paramref name="root"/>.</summary>
    public static Intercommunicator Spawn(Communicator comm, string command, string[]? arguments, int maxProcesses, int root, SpawnOptions? options)
    {
        if ((uint)root >= (uint)comm.Size)
            throw new ArgumentOutOfRangeException(nameof(root), root, $"root {root} is not a rank of '{comm.Name}' (0 … {comm.Size - 1})");
        RankRuntime runtime = comm.Runtime;
        RendezvousClient control = ControlOf(runtime);
        string outcome = "";
        int count = 0;
        bool ok = false;
        if (comm.Rank == root)
        {
            try
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(command);
                ArgumentOutOfRangeException.ThrowIfLessThan(maxProcesses, 1);
                string id = RandomNumberGenerator.GetHexString(16, lowercase: true);
                IReadOnlyList<string> hosts = options?.CheckedHosts() ?? [];
                control.Spawn(id, maxProcesses, comm.Size, Environment.CurrentDirectory, command, arguments ?? [], hosts);
                (ok, count, outcome) = (true, maxProcesses, id);
            }
            catch (Exception e) when (e is HpcException or ArgumentException or IOException)
            {
                outcome = e.Message;
            }
        }
        // The outcome reaches the whole group, so all of it fails alike or connects alike.
        Span<int> head = [ok ? 1 : 0, count, Encoding.UTF8.GetByteCount(outcome)];
        comm.Broadcast(head, root);
        byte[] text = comm.Rank == root ? Encoding.UTF8.GetBytes(outcome) : new byte[head[2]];
        comm.Broadcast<byte>(text, root);
        outcome = Encoding.UTF8.GetString(text);
        if (head[0] == 0)
            throw new HpcException($"Spawn on '{comm.Name}' failed: {outcome}");
        count = head[1];
        int parents = comm.Size;
        return Connect(comm, outcome, comm.Rank, localStart: 0, remoteStart: parents, remoteCount: count, parentSide: true);
    }

    /// <summary>The children's side, at the end of Init when <see cref="JobEnvironment.SpawnId"/> is set: the intercommunicator to the parents.</summary>
    public static Intercommunicator ConnectToParents(Communicator world)
    {
        JobEnvironment job = world.Runtime.Job;
        int parents = job.SpawnParents;
        return Connect(world, job.SpawnId!, parents + world.Rank, localStart: parents, remoteStart: 0, remoteCount: parents, parentSide: false);
    }

    private static RendezvousClient ControlOf(RankRuntime runtime)
    {
        if (runtime.Job.DirectLaunchSource is not null)
            throw new NotSupportedException($"Spawn is not supported under direct launch ({runtime.Job.DirectLaunchSource}): start the job with dotnet mpirun");
        return runtime.Control ?? throw new NotSupportedException("Spawn needs a job started by dotnet mpirun (this process runs alone or as a thread-rank)");
    }

    private static Intercommunicator Connect(Communicator group, string id, int myIndex, int localStart, int remoteStart, int remoteCount, bool parentSide)
    {
        RankRuntime runtime = group.Runtime;
        RendezvousClient control = ControlOf(runtime);
        int total = group.Size + remoteCount;
        Communicator local = group.Duplicate(copyAttributes: false);
        int candidate = local.Allreduce(runtime.NextContextCandidate, ReduceOp.Max);
        Action<string> log = message => Console.Error.WriteLine($"hpc: rank {runtime.WorldRank}: {message}");
        using TcpTransport tcp = TcpTransport.Listen(runtime.Options.BindAddress, log);
        (int Candidate, string Host, string Endpoint)[] table =
            control.ConnectSpawn(id, myIndex, total, candidate, runtime.Hosts[runtime.WorldRank], tcp.Endpoint);
        int context = table.Max(entry => entry.Candidate);
        runtime.ReserveContext(context);

        int[] remote;
        lock (runtime.PeersLock)
        {
            int first = runtime.ProcessCount;
            var processIndexOf = new int[total];
            var needsTcp = new bool[total];
            for (int i = 0; i < total; i++)
            {
                bool isRemote = i >= remoteStart && i < remoteStart + remoteCount;
                needsTcp[i] = isRemote;
                processIndexOf[i] = isRemote ? first + (i - remoteStart) : local.WorldRankOf(i - localStart);
            }
            IPeerLink?[] links = tcp.ConnectAll([.. table.Select(entry => entry.Endpoint)], needsTcp, myIndex, runtime.Job.Secret!,
                runtime.Engine, runtime.Engine.Progress, runtime.Options.EagerLimit ?? TcpLink.DefaultEagerLimit, WireUp.Timeout, processIndexOf);
            IPeerLink[] added = [.. Enumerable.Range(remoteStart, remoteCount).Select(i => links[i]!)];
            string[] hosts = [.. Enumerable.Range(remoteStart, remoteCount).Select(i => table[i].Host)];
            int at = runtime.AddPeers(added, hosts);
            remote = [.. Enumerable.Range(at, remoteCount)];
        }
        // Parents are the low group: first in Merge when both sides pass the same value.
        return new Intercommunicator(local, remote, context, lowGroup: parentSide);
    }
}
