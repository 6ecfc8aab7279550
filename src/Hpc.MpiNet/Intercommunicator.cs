#nullable disable
using MPI.Internal;

namespace MPI
{
    /// <summary>
    /// A communicator between two disjoint groups of processes (MPI.NET's <c>Intercommunicator</c>,
    /// MPI_Intercomm_create): <see cref="Communicator.Rank"/> and <see cref="Communicator.Size"/>
    /// describe the local group, <see cref="RemoteSize"/> and <see cref="RemoteGroup"/> the other
    /// one, and every collective moves data from one group to the other.
    /// <code>
    /// var half = (Intracommunicator)Communicator.world.Split(rank % 2, rank);
    /// var inter = new Intercommunicator(half, 0, Communicator.world, rank % 2 == 0 ? 1 : 0, 0);
    /// int[] fromTheOtherHalf = inter.Allgather(rank);
    /// </code>
    /// </summary>
    /// <remarks>
    /// <para>
    /// Rooted collectives (Broadcast, Gather, Scatter, Reduce and their Flattened forms) use MPI's
    /// root convention: in the root's group the root passes <see cref="Root"/> and the others
    /// <see cref="Null"/>; in the other group every process passes the root's rank in the remote
    /// group. The all-to-all forms give each group the other group's data (Allgather, Alltoall) or
    /// the reduction of the other group's data (Allreduce, ReduceScatter).
    /// </para>
    /// <para>
    /// Built on Hpc's <see cref="Hpc.Intercommunicator"/> (creation over the bridge, the remote group,
    /// <see cref="Merge"/>) and two private communicators: one over the local group for the local
    /// half of each collective, and one over both groups on which the two leaders (local rank 0 of
    /// each group) exchange the data and the root talks to the other group. Values of an unmanaged
    /// type travel raw, others serialized, as everywhere in this layer.
    /// </para>
    /// <para>
    /// Point-to-point calls inherited from <see cref="Communicator"/> address the <em>local</em>
    /// group here, not the remote one as in MPI.NET: <see cref="Merge"/> the intercommunicator for
    /// point-to-point across the groups.
    /// </para>
    /// </remarks>
    public partial class Intercommunicator : Communicator
    {
        /// <summary>What the root of a rooted collective passes as root (MPI_ROOT).</summary>
        public const int Root = HpcInter.Root;

        /// <summary>What the other processes of the root's group pass as root (MPI_PROC_NULL).</summary>
        public const int Null = HpcComm.ProcNull;

        // The internal messages between the groups all use one tag on the private communicator over
        // both groups: every process calls the collectives in the same order and messages between
        // a pair never overtake each other, so each receive matches the send meant for it.
        private const int CollectiveTag = 0;

        private readonly HpcInter _core;
        private readonly Intracommunicator _local;
        private readonly Intracommunicator _both;
        private readonly bool _localFirst;
        private bool _released;

        /// <summary>
        /// Connects the group of <paramref name="localComm"/> with another, disjoint group
        /// (MPI_Intercomm_create). The leaders, <paramref name="localLeader"/> here and
        /// <paramref name="remoteLeader"/> (the other group's leader, as a rank of
        /// <paramref name="bridgeComm"/>), find each other over <paramref name="bridgeComm"/> with
        /// messages tagged <paramref name="tag"/>. Collective over both groups.
        /// </summary>
        /// <param name="localComm">The communicator of this process's group.</param>
        /// <param name="localLeader">The rank, in <paramref name="localComm"/>, of this group's leader.</param>
        /// <param name="bridgeComm">A communicator holding both leaders (used on the leaders only).</param>
        /// <param name="remoteLeader">The rank of the other group's leader in <paramref name="bridgeComm"/>.</param>
        /// <param name="tag">The tag of the leaders' set-up messages on <paramref name="bridgeComm"/>.</param>
        /// <exception cref="ArgumentException">A leader that is not a rank, or groups that overlap.</exception>
        public Intercommunicator(Intracommunicator localComm, int localLeader, Intracommunicator bridgeComm, int remoteLeader, int tag)
            : this(Connect(localComm, localLeader, bridgeComm, remoteLeader, tag))
        {
        }

        private Intercommunicator(Parts parts) : base(parts.Local, parts.LocalShadow, predefined: false)
        {
            _core = parts.Core;
            // The local half of each collective runs on the same private communicators as the base.
            _local = new Intracommunicator(parts.Local, parts.LocalShadow, predefined: true);
            _both = Intracommunicator.Wrap(parts.Both, predefined: false);
            _localFirst = parts.Both.Rank == parts.Local.Rank;
        }

        private sealed record Parts(HpcInter Core, HpcComm Local, HpcComm LocalShadow, HpcComm Both);

        private static Parts Connect(Intracommunicator localComm, int localLeader, Intracommunicator bridgeComm, int remoteLeader, int tag)
        {
            ArgumentNullException.ThrowIfNull(localComm);
            HpcInter core = HpcInter.Create(localComm.Comm, localLeader, bridgeComm?.Comm, remoteLeader, tag);
            HpcComm local = localComm.Comm.Duplicate(copyAttributes: false);
            HpcComm shadow = local.Duplicate(copyAttributes: false);
            // Merge(false) on both sides puts the group whose first process has the lower world rank first.
            HpcComm both = core.Merge(false);
            return new Parts(core, local, shadow, both);
        }

        /// <summary>Number of processes in the remote group (MPI_Comm_remote_size).</summary>
        public int RemoteSize => _core.RemoteSize;

        /// <summary>The processes of the remote group (MPI_Comm_remote_group).</summary>
        public Group RemoteGroup
        {
            get
            {
                int[] all = Internal.HpcInternals.WorldRanks(_both.Comm);
                int[] remote = _localFirst ? all[Size..] : all[..RemoteSize];
                return new Group(remote, Internal.HpcInternals.SelfWorldRank(Comm));
            }
        }

        /// <summary>
        /// An intracommunicator over both groups (MPI_Intercomm_merge). The group passing
        /// <paramref name="upper"/> = true gets the higher ranks; when both groups pass the same
        /// value, the group whose first process has the lower world rank comes first. Every process
        /// of a group passes the same value. Collective over both groups.
        /// </summary>
        public Intracommunicator Merge(bool upper) => Intracommunicator.Wrap(_core.Merge(upper), predefined: false);

        /// <summary>Returns once every process of both groups has called Barrier (MPI_Barrier on an intercommunicator).</summary>
        public override void Barrier() => _both.Barrier();

        /// <summary>Releases the intercommunicator and its private communicators (MPI_Comm_free).</summary>
        public override void Dispose()
        {
            if (!_released)
            {
                _released = true;
                _both.Dispose();
                _core.Dispose();
            }
            base.Dispose();
        }

        /// <inheritdoc />
        public override string ToString() => $"MPI intercommunicator (rank {Rank} of {Size}, remote group of {RemoteSize})";

        // ------------------------------------------------------------------ helpers

        private bool IsLeader => Rank == 0;

        /// <summary>The rank, in the communicator over both groups, of remote rank <paramref name="remoteRank"/>.</summary>
        private int RemoteInBoth(int remoteRank) => _localFirst ? Size + remoteRank : remoteRank;

        /// <summary>At the leaders: sends <paramref name="mine"/> to the other leader and returns what it sent.</summary>
        private T[] LeaderSwap<T>(T[] mine)
        {
            Request sent = _both.ImmediateSend(mine, RemoteInBoth(0), CollectiveTag);
            T[] theirs = null;
            _both.Receive(RemoteInBoth(0), CollectiveTag, ref theirs);
            sent.Wait();
            return theirs ?? [];
        }

        /// <summary>Sends an array to remote rank <paramref name="remoteRank"/>.</summary>
        private void SendRemote<T>(T[] values, int remoteRank) => _both.Send(values, RemoteInBoth(remoteRank), CollectiveTag);

        /// <summary>Receives an array (of any length) from remote rank <paramref name="remoteRank"/>.</summary>
        private T[] ReceiveRemote<T>(int remoteRank)
        {
            T[] values = null;
            _both.Receive(RemoteInBoth(remoteRank), CollectiveTag, ref values);
            return values ?? [];
        }

        /// <summary>Gives every local process the leader's <paramref name="values"/> of <paramref name="length"/> elements.</summary>
        private T[] ShareFromLeader<T>(T[] values, int length)
        {
            if (!IsLeader)
                values = new T[length];
            else if (values.Length != length)
                throw new ArgumentException($"MPI.Intercommunicator: the other group sent {values.Length} values, {length} expected; do both groups pass matching counts?");
            _local.Broadcast(ref values, 0);
            return values;
        }

        /// <summary>Gathers every local process's array (any lengths) at the leader, in rank order; null elsewhere.</summary>
        private T[] GatherAtLeader<T>(T[] values)
        {
            values ??= [];
            int[] counts = _local.Gather(values.Length, 0);
            return _local.GatherFlattened(values, IsLeader ? counts : null, 0);
        }

        private void CheckRoot(int root)
        {
            if (root != Root && root != Null && (uint)root >= (uint)RemoteSize)
                throw new ArgumentOutOfRangeException(nameof(root), root,
                    $"root {root} is neither Intercommunicator.Root ({Root}), Intercommunicator.Null ({Null}) nor a rank of the remote group (0 … {RemoteSize - 1})");
        }

        private static int Total(int[] counts, string name) => Counts.Total(counts, name);

        private void CheckRemoteCounts(int[] counts, string name)
        {
            ArgumentNullException.ThrowIfNull(counts, name);
            if (counts.Length != RemoteSize)
                throw new ArgumentException($"{name} should be the size of the remote group ({RemoteSize}), not {counts.Length}", name);
        }
    }
}
