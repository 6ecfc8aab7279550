#nullable disable
using MPI.Internal;

namespace MPI
{
    // The intercommunicator's rooted collectives (broadcast, gather, scatter). Each is the local
    // half on the local group's private communicator plus one exchange between the groups: the root
    // and the other group's leader talk.
    public partial class Intercommunicator
    {
        // ================================================================== broadcast

        /// <summary>
        /// Copies the root's <paramref name="value"/> to every process of the other group (MPI_Bcast):
        /// the root passes <see cref="Root"/>, the rest of its group <see cref="Null"/>, the other
        /// group the root's rank in the remote group.
        /// </summary>
        public void Broadcast<T>(ref T value, int root)
        {
            T[] box = [value];
            Broadcast(ref box, root);
            value = box[0];
        }

        /// <summary>
        /// Copies the root's <paramref name="values"/> to every process of the other group (MPI_Bcast);
        /// root conventions as in <see cref="Broadcast{T}(ref T, int)"/>. The receivers' array is
        /// replaced when it does not have the root's length.
        /// </summary>
        public void Broadcast<T>(ref T[] values, int root)
        {
            CheckRoot(root);
            if (root == Null)
                return;
            if (root == Root)
            {
                ArgumentNullException.ThrowIfNull(values);
                SendRemote(values, 0);
                return;
            }
            T[] received = IsLeader ? ReceiveRemote<T>(root) : null;
            int length = received?.Length ?? 0;
            _local.Broadcast(ref length, 0);
            received = ShareFromLeader(received, length);
            OutputArrays.Deliver(received, ref values);
        }

        // ================================================================== gather

        /// <summary>
        /// Collects one value from every process of the other group at the root, indexed by remote
        /// rank (MPI_Gather); root conventions as in <see cref="Broadcast{T}(ref T, int)"/>.
        /// </summary>
        /// <returns>At the root, RemoteSize values; elsewhere null.</returns>
        public T[] Gather<T>(T value, int root) => GatherAtRoot(value, root);

        /// <summary>As <see cref="Gather{T}(T, int)"/>, into the root's <paramref name="outValues"/> (replaced unless of length RemoteSize).</summary>
        public void Gather<T>(T inValue, int root, ref T[] outValues)
        {
            if (GatherAtRoot(inValue, root) is { } gathered)
                OutputArrays.Deliver(gathered, ref outValues);
        }

        // The gathered values at the root, null elsewhere; the overloads differ only in where they go.
        private T[] GatherAtRoot<T>(T inValue, int root)
        {
            CheckRoot(root);
            if (root == Null)
                return null;
            if (root == Root)
            {
                T[] gathered = ReceiveRemote<T>(0);
                if (gathered.Length != RemoteSize)
                    throw new InvalidOperationException($"MPI.Intercommunicator.Gather: {gathered.Length} values arrived, one from each of the {RemoteSize} remote processes expected");
                return gathered;
            }
            T[] local = _local.Gather(inValue, 0);
            if (IsLeader)
                SendRemote(local, root);
            return null;
        }

        /// <summary>Root form: gathers <paramref name="count"/> values from each remote process into <paramref name="outValues"/> (MPI_Gather).</summary>
        public void GatherFlattened<T>(int count, ref T[] outValues) => OutputArrays.Deliver(GatherFlattenedAtRoot<T>(Uniform(count)), ref outValues);

        /// <summary>Root form: gathers <paramref name="count"/> values from each remote process (MPI_Gather).</summary>
        public T[] GatherFlattened<T>(int count) => GatherFlattenedAtRoot<T>(Uniform(count));

        /// <summary>
        /// Form for the other group: sends <paramref name="inValues"/> to the root, whose rank in the
        /// remote group is <paramref name="root"/> (<see cref="Null"/> in the root's own group: nothing moves).
        /// </summary>
        public void GatherFlattened<T>(T[] inValues, int root)
        {
            CheckRoot(root);
            if (root == Root)
                throw new ArgumentException("MPI.Intercommunicator.GatherFlattened: the root calls GatherFlattened(counts, ref outValues), which says how many values each remote process sends", nameof(root));
            if (root == Null)
                return;
            T[] local = GatherAtLeader(inValues);
            if (IsLeader)
                SendRemote(local, root);
        }

        /// <summary>Form for the processes of the root's group other than the root: nothing moves.</summary>
        public void GatherFlattened<T>()
        {
        }

        /// <summary>
        /// Root form: gathers <paramref name="counts"/>[r] values from remote process r, in remote
        /// rank order, into <paramref name="outValues"/> (replaced unless of the total length) (MPI_Gatherv).
        /// </summary>
        public void GatherFlattened<T>(int[] counts, ref T[] outValues) => OutputArrays.Deliver(GatherFlattenedAtRoot<T>(counts), ref outValues);

        /// <summary>Root form of <see cref="GatherFlattened{T}(int[], ref T[])"/> returning the gathered values.</summary>
        public T[] GatherFlattened<T>(int[] counts) => GatherFlattenedAtRoot<T>(counts);

        private T[] GatherFlattenedAtRoot<T>(int[] counts)
        {
            CheckRemoteCounts(counts, nameof(counts));
            int total = Total(counts, nameof(counts));
            T[] gathered = ReceiveRemote<T>(0);
            if (gathered.Length != total)
                throw new InvalidOperationException($"MPI.Intercommunicator.GatherFlattened: the remote group sent {gathered.Length} values, the counts add up to {total}");
            return gathered;
        }

        // ================================================================== scatter

        /// <summary>Root form: sends <paramref name="values"/>[r] to remote process r (MPI_Scatter).</summary>
        /// <exception cref="ArgumentException"><paramref name="values"/> does not hold one value per remote process.</exception>
        public void Scatter<T>(T[] values)
        {
            if (values is null || values.Length != RemoteSize)
                throw new ArgumentException($"MPI.Intercommunicator.Scatter: values must hold one value for each of the {RemoteSize} remote processes", nameof(values));
            SendRemote(values, 0);
        }

        /// <summary>Form for the other group: receives this process's value from the root, remote rank <paramref name="root"/> (MPI_Scatter).</summary>
        public T Scatter<T>(int root)
        {
            CheckRoot(root);
            if (root == Root || root == Null)
                throw new ArgumentException("MPI.Intercommunicator.Scatter(root): only the group receiving from the root calls this form; the root calls Scatter(values), the rest of its group Scatter()", nameof(root));
            T[] values = IsLeader ? ReceiveRemote<T>(root) : null;
            if (IsLeader && values.Length != Size)
                throw new InvalidOperationException($"MPI.Intercommunicator.Scatter: the root sent {values.Length} values for the {Size} processes of this group");
            return _local.Scatter(values, 0);
        }

        /// <summary>Form for the processes of the root's group other than the root: nothing moves.</summary>
        public void Scatter<T>()
        {
        }

        /// <summary>Root form: sends <paramref name="count"/> consecutive values to each remote process (MPI_Scatter).</summary>
        public void ScatterFromFlattened<T>(T[] inValues, int count)
        {
            T[] none = null;
            ScatterFromFlattened(inValues, Uniform(count), Root, ref none);
        }

        /// <summary>Root form: sends <paramref name="counts"/>[r] consecutive values to remote process r (MPI_Scatterv).</summary>
        public void ScatterFromFlattened<T>(T[] inValues, int[] counts)
        {
            T[] none = null;
            ScatterFromFlattened(inValues, counts, Root, ref none);
        }

        /// <summary>Form for the other group: receives <paramref name="count"/> values from the root, remote rank <paramref name="root"/>.</summary>
        public void ScatterFromFlattened<T>(int count, int root, ref T[] outValues) =>
            ScatterFromFlattened(null, Uniform(Size, count), root, ref outValues);

        /// <summary>
        /// Form for the other group: receives counts[Rank] values from the root, remote rank
        /// <paramref name="root"/>; <paramref name="counts"/> holds one count per process of this group.
        /// </summary>
        public void ScatterFromFlattened<T>(int[] counts, int root, ref T[] outValues) =>
            ScatterFromFlattened(null, counts, root, ref outValues);

        /// <summary>Form for the processes of the root's group other than the root: nothing moves.</summary>
        public void ScatterFromFlattened<T>()
        {
        }

        /// <summary>Any role: see <see cref="ScatterFromFlattened{T}(T[], int[], int, ref T[])"/> with <paramref name="count"/> values per process.</summary>
        public void ScatterFromFlattened<T>(T[] inValues, int count, int root, ref T[] outValues) =>
            ScatterFromFlattened(inValues, Uniform(root == Root ? RemoteSize : Size, count), root, ref outValues);

        /// <summary>
        /// Scatters consecutive runs of the root's <paramref name="inValues"/> over the other group
        /// (MPI_Scatterv). At the root (<see cref="Root"/>) <paramref name="counts"/> has one count
        /// per remote process; in the receiving group (root = the root's remote rank) one per
        /// process of that group, and <paramref name="outValues"/> receives counts[Rank] values;
        /// in the root's group elsewhere (<see cref="Null"/>) nothing moves.
        /// </summary>
        public void ScatterFromFlattened<T>(T[] inValues, int[] counts, int root, ref T[] outValues)
        {
            CheckRoot(root);
            if (root == Null)
                return;
            int total = Total(counts, nameof(counts));
            if (root == Root)
            {
                CheckRemoteCounts(counts, nameof(counts));
                ArgumentNullException.ThrowIfNull(inValues);
                if (total > inValues.Length)
                    throw new ArgumentException($"Sum of counts ({total}) > inValues.Length ({inValues.Length})", nameof(counts));
                SendRemote(total == inValues.Length ? inValues : inValues[..total], 0);
                return;
            }
            if (counts.Length != Size)
                throw new ArgumentException($"counts should hold one count for each of the {Size} processes of this group, not {counts.Length}", nameof(counts));
            T[] all = IsLeader ? ReceiveRemote<T>(root) : null;
            if (IsLeader && all.Length != total)
                throw new InvalidOperationException($"MPI.Intercommunicator.ScatterFromFlattened: the root sent {all.Length} values, the counts add up to {total}");
            _local.ScatterFromFlattened(all, counts, 0, ref outValues);
        }

        // ------------------------------------------------------------------ helpers

        private int[] Uniform(int count) => Uniform(RemoteSize, count);

        private static int[] Uniform(int length, int count) => Counts.Uniform(length, count);
    }
}