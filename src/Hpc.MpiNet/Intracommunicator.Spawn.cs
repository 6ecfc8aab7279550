#nullable disable

namespace MPI
{
    public partial class Intracommunicator
    {
        /// <summary>
        /// Starts <paramref name="maxprocs"/> processes of <paramref name="command"/> through the
        /// running mpirun and returns an intercommunicator to them (MPI_Comm_spawn); they reach
        /// this group through <see cref="Communicator.Parent"/>. Collective over this communicator;
        /// <paramref name="command"/>, <paramref name="argv"/> and <paramref name="maxprocs"/>
        /// matter at <paramref name="root"/>. Built on <see cref="HpcComm.Spawn(string, string[], int, int)"/>: the command is
        /// resolved as mpirun resolves a program (.dll, executable, project directory), relative to
        /// the root's working directory, and the children are placed over the job's hosts as there
        /// (the slots the job's ranks leave free, then round-robin).
        /// </summary>
        /// <remarks>
        /// For programs written for MPI.NET on Windows: backslashes in <paramref name="command"/>
        /// are taken as directory separators on other systems, and a <c>.exe</c> that does not exist
        /// beside a <c>.dll</c> of the same name runs the <c>.dll</c> (.NET builds an apphost
        /// without the extension). The children must use this layer too (their
        /// <see cref="Environment"/> connects <see cref="Communicator.Parent"/> at start).
        /// </remarks>
        /// <exception cref="Hpc.HpcException">mpirun could not start the program; thrown on every process of the group.</exception>
        public Intercommunicator Spawn(string command, string[] argv, int maxprocs, int root)
        {
            HpcInter core = Comm.Spawn(Rank == root ? Translate(command) : command ?? "", argv ?? [], maxprocs, root);
            return Intercommunicator.FromSpawn(core, Comm);
        }

        private static string Translate(string command)
        {
            if (string.IsNullOrEmpty(command))
                return command ?? "";
            if (!OperatingSystem.IsWindows())
                command = command.Replace('\\', '/');
            if (command.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) && !File.Exists(command))
            {
                string dll = command[..^4] + ".dll";
                if (File.Exists(dll))
                    return dll;
            }
            return command;
        }
    }
}
