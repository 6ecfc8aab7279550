namespace Hpc;

public sealed partial class Communicator
{
    /// <summary>
    /// Starts <paramref name="maxProcesses"/> new processes of <paramref name="command"/> through
    /// the running mpirun and connects them to this communicator's processes (MPI_Comm_spawn).
    /// Collective over this communicator; <paramref name="command"/>, <paramref name="arguments"/>
    /// and <paramref name="maxProcesses"/> matter at <paramref name="root"/> only. The command is
    /// resolved as mpirun resolves a program (a .dll, an executable, a project directory),
    /// relative to the root's working directory, which the children also start in.
    /// </summary>
    /// <remarks>
    /// Where the children run is mpirun's decision, made as Open MPI maps a spawned job: without a
    /// host list, on mpirun's host; with one, in the slots the job's ranks and the live children of
    /// earlier spawns leave free, filled by the job's <c>--map-by</c> (by slot: host by host in
    /// list order; by node: one per host in turn), and beyond them one per host in turn from the
    /// first host, never above a host's <c>max_slots</c>. Children on other hosts are started by
    /// those hosts' daemons, as the job's ranks there are. The call returns once every child runs
    /// and all have connected.
    /// </remarks>
    /// <returns>
    /// An intercommunicator whose local group is this communicator and whose remote group is the
    /// children, ranked as in their own world (<see cref="Mpi.World"/> of size
    /// <paramref name="maxProcesses"/>); the children reach the parents by <see cref="Parent"/>.
    /// </returns>
    /// <exception cref="HpcException">mpirun could not place or start the program (the message says why); thrown on every process of the group.</exception>
    /// <exception cref="NotSupportedException">The job was not started by mpirun (a process alone, or a direct launch).</exception>
    public Intercommunicator Spawn(string command, string[]? arguments, int maxProcesses, int root) =>
        DynamicProcesses.Spawn(this, command, arguments, maxProcesses, root, null);

    /// <summary>
    /// <see cref="Spawn(string, string[], int, int)"/> with MPI_Info's spawn keys:
    /// <paramref name="options"/> (read at <paramref name="root"/> only) can restrict the hosts the
    /// children run on (<see cref="SpawnOptions.Hosts"/>, MPI's <c>host</c> key).
    /// </summary>
    /// <returns>The intercommunicator to the children, as <see cref="Spawn(string, string[], int, int)"/> returns it.</returns>
    /// <exception cref="HpcException">mpirun could not place or start the program, or a host is not one of the job's (the message names it); thrown on every process of the group.</exception>
    /// <exception cref="NotSupportedException">The job was not started by mpirun (a process alone, or a direct launch).</exception>
    public Intercommunicator Spawn(string command, string[]? arguments, int maxProcesses, int root, SpawnOptions? options) =>
        DynamicProcesses.Spawn(this, command, arguments, maxProcesses, root, options);

    /// <summary>
    /// The intercommunicator to the processes that spawned this one's world (MPI_Comm_get_parent),
    /// or null when the world was started by mpirun itself. Same as <see cref="Mpi.Parent"/>.
    /// </summary>
    public static Intercommunicator? Parent => Mpi.Parent;
}
