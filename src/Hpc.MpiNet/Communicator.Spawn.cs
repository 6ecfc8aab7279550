#nullable disable

namespace MPI
{
    public abstract partial class Communicator
    {
        private static Intercommunicator s_parent;

        /// <summary>
        /// The intercommunicator to the processes that spawned this world
        /// (<see cref="Intracommunicator.Spawn"/>, MPI_Comm_get_parent), or null when mpirun
        /// started it. The same object on every communicator, as MPI_Comm_get_parent's handle.
        /// </summary>
        public Intercommunicator Parent => s_parent;

        internal static void SetParent(Intercommunicator parent) => s_parent = parent;
    }

    public partial class Intercommunicator
    {
        /// <summary>Wraps a spawn's Hpc intercommunicator; <paramref name="localComm"/> is the local group (the spawning communicator, or the children's world). Collective over both groups.</summary>
        internal static Intercommunicator FromSpawn(HpcInter core, HpcComm localComm)
        {
            HpcComm local = localComm.Duplicate(copyAttributes: false);
            HpcComm shadow = local.Duplicate(copyAttributes: false);
            // Merge(false) on both sides puts the parents (the low group) first.
            HpcComm both = core.Merge(false);
            return new Intercommunicator(new Parts(core, local, shadow, both));
        }
    }
}
