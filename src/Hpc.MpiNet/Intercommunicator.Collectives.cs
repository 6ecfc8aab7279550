#nullable disable
namespace MPI
{
    // The intercommunicator collectives. Each is the local half on the local group's private
    // communicator plus one exchange between the groups: the leaders swap (all-to-all forms), or
    // the root and the other group's leader talk (rooted forms).
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
            if (values is not null && values.Length == length)
                received.CopyTo(values, 0);
            else
                values = received;
        }

        // ================================================================== gather

        /// <summary>
        /// Collects one value from every process of the other group at the root, indexed by remote
        /// rank (MPI_Gather); root conventions as in <see cref="Broadcast{T}(ref T, int)"/>.
        /// </summary>
        /// <returns>At the root, RemoteSize values; elsewhere null.</returns>
        public T[] Gather<T>(T value, int root)
        {
            T[] result = null;
            Gather(value, root, ref result);
            return result;
        }

        /// <summary>As <see cref="Gather{T}(T, int)"/>, into the root's <paramref name="outValues"/> (replaced unless of length RemoteSize).</summary>
        public void Gather<T>(T inValue, int root, ref T[] outValues)
        {
            CheckRoot(root);
            if (root == Null)
                return;
            if (root == Root)
            {
                T[] gathered = ReceiveRemote<T>(0);
                if (gathered.Length != RemoteSize)
                    throw new InvalidOperationException($"MPI.Intercommunicator.Gather: {gathered.Length} values arrived, one from each of the {RemoteSize} remote processes expected");
                if (outValues is not null && outValues.Length == RemoteSize)
                    gathered.CopyTo(outValues, 0);
                else
                    outValues = gathered;
                return;
            }
            T[] local = _local.Gather(inValue, 0);
            if (IsLeader)
                SendRemote(local, root);
        }

        /// <summary>Root form: gathers <paramref name="count"/> values from each remote process into <paramref name="outValues"/> (MPI_Gather).</summary>
        public void GatherFlattened<T>(int count, ref T[] outValues) => GatherFlattened(Uniform(count), ref outValues);

        /// <summary>Root form: gathers <paramref name="count"/> values from each remote process (MPI_Gather).</summary>
        public T[] GatherFlattened<T>(int count)
        {
            T[] result = null;
            GatherFlattened(Uniform(count), ref result);
            return result;
        }

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
        public void GatherFlattened<T>(int[] counts, ref T[] outValues)
        {
            CheckRemoteCounts(counts, nameof(counts));
            int total = Total(counts, nameof(counts));
            T[] gathered = ReceiveRemote<T>(0);
            if (gathered.Length != total)
                throw new InvalidOperationException($"MPI.Intercommunicator.GatherFlattened: the remote group sent {gathered.Length} values, the counts add up to {total}");
            if (outValues is not null && outValues.Length == total)
                gathered.CopyTo(outValues, 0);
            else
                outValues = gathered;
        }

        /// <summary>Root form of <see cref="GatherFlattened{T}(int[], ref T[])"/> returning the gathered values.</summary>
        public T[] GatherFlattened<T>(int[] counts)
        {
            T[] result = null;
            GatherFlattened(counts, ref result);
            return result;
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

        // ================================================================== allgather and alltoall

        /// <summary>Gives every process the other group's values, indexed by remote rank (MPI_Allgather).</summary>
        public T[] Allgather<T>(T value)
        {
            T[] result = null;
            Allgather(value, ref result);
            return result;
        }

        /// <summary>As <see cref="Allgather{T}(T)"/>, into <paramref name="outValues"/> (replaced unless of length RemoteSize).</summary>
        public void Allgather<T>(T inValue, ref T[] outValues)
        {
            T[] local = _local.Gather(inValue, 0);
            T[] theirs = IsLeader ? LeaderSwap(local) : null;
            Deliver(ShareFromLeader(theirs, RemoteSize), ref outValues);
        }

        /// <summary>Gives every process the other group's arrays of <paramref name="count"/> values each, concatenated in remote rank order.</summary>
        public void AllgatherFlattened<T>(T[] inValues, int count, ref T[] outValues) =>
            AllgatherFlattened(inValues, Uniform(count), ref outValues);

        /// <summary>
        /// Gives every process the other group's arrays concatenated in remote rank order
        /// (MPI_Allgatherv); <paramref name="counts"/>[r] is the length remote process r sends.
        /// </summary>
        public void AllgatherFlattened<T>(T[] inValues, int[] counts, ref T[] outValues)
        {
            CheckRemoteCounts(counts, nameof(counts));
            int total = Total(counts, nameof(counts));
            T[] local = GatherAtLeader(inValues);
            T[] theirs = IsLeader ? LeaderSwap(local) : null;
            Deliver(ShareFromLeader(theirs, total), ref outValues);
        }

        /// <summary>Sends <paramref name="values"/>[r] to remote process r; returns the value each remote process sent here (MPI_Alltoall).</summary>
        public T[] Alltoall<T>(T[] values)
        {
            T[] result = null;
            Alltoall(values, ref result);
            return result;
        }

        /// <summary>As <see cref="Alltoall{T}(T[])"/>, into <paramref name="outValues"/>.</summary>
        public void Alltoall<T>(T[] inValues, ref T[] outValues)
        {
            if (inValues is null || inValues.Length != RemoteSize)
                throw new ArgumentException($"MPI.Intercommunicator.Alltoall: inValues must hold one value for each of the {RemoteSize} remote processes", nameof(inValues));
            AlltoallFlattened(inValues, Uniform(1), Uniform(1), ref outValues);
        }

        /// <summary>
        /// Sends <paramref name="sendCounts"/>[r] consecutive values of <paramref name="inValues"/>
        /// to remote process r and receives <paramref name="recvCounts"/>[r] values from it, in
        /// remote rank order, into <paramref name="outValues"/> (MPI_Alltoallv).
        /// </summary>
        public void AlltoallFlattened<T>(T[] inValues, int[] sendCounts, int[] recvCounts, ref T[] outValues)
        {
            CheckRemoteCounts(sendCounts, nameof(sendCounts));
            CheckRemoteCounts(recvCounts, nameof(recvCounts));
            ArgumentNullException.ThrowIfNull(inValues);
            int sendTotal = Total(sendCounts, nameof(sendCounts));
            int receiveTotal = Total(recvCounts, nameof(recvCounts));
            if (sendTotal > inValues.Length)
                throw new ArgumentException($"Sum of sendCounts ({sendTotal}) > inValues.Length ({inValues.Length})", nameof(sendCounts));

            // Every local process's data and send counts go to the leader, which swaps both with the
            // other leader, regroups what arrived by destination and scatters it over this group.
            int[] dataCounts = _local.Gather(sendTotal, 0);
            T[] data = _local.GatherFlattened(inValues[..sendTotal], dataCounts, 0);
            int[] counts = _local.GatherFlattened(sendCounts, 0);
            T[] regrouped = null;
            int[] perDestination = new int[Size];
            if (IsLeader)
            {
                T[] theirs = LeaderSwap(data);
                int[] theirCounts = LeaderSwap(counts);
                regrouped = Regroup(theirs, theirCounts, perDestination);
            }
            _local.Broadcast(ref perDestination, 0);
            T[] mine = null;
            _local.ScatterFromFlattened(regrouped, perDestination, 0, ref mine);
            if (mine.Length != receiveTotal)
                throw new InvalidOperationException($"MPI.Intercommunicator.AlltoallFlattened: {mine.Length} values arrived for this process, recvCounts add up to {receiveTotal}");
            Deliver(mine, ref outValues);
        }

        // The other group's data, one block per remote sender i holding its runs for each local
        // destination d (lengths counts[i * Size + d]), reordered into runs by destination.
        private T[] Regroup<T>(T[] theirs, int[] counts, int[] perDestination)
        {
            if (counts.Length != RemoteSize * Size)
                throw new InvalidOperationException($"MPI.Intercommunicator.Alltoall: the other group sent {counts.Length} counts, {RemoteSize * Size} expected");
            var offsets = new int[counts.Length];
            int position = 0;
            for (int i = 0; i < counts.Length; i++)
            {
                offsets[i] = position;
                position += counts[i];
            }
            if (position != theirs.Length)
                throw new InvalidOperationException($"MPI.Intercommunicator.Alltoall: the other group sent {theirs.Length} values, its counts add up to {position}");
            var regrouped = new T[theirs.Length];
            int at = 0;
            for (int d = 0; d < Size; d++)
            {
                int start = at;
                for (int i = 0; i < RemoteSize; i++)
                {
                    int k = i * Size + d;
                    Array.Copy(theirs, offsets[k], regrouped, at, counts[k]);
                    at += counts[k];
                }
                perDestination[d] = at - start;
            }
            return regrouped;
        }

        // ================================================================== reductions

        /// <summary>
        /// At the root (<see cref="Root"/>), the reduction with <paramref name="op"/> of the other
        /// group's values in remote rank order (MPI_Reduce); elsewhere the default value. The other
        /// group passes the root's remote rank, the rest of the root's group <see cref="Null"/>.
        /// </summary>
        public T Reduce<T>(T value, ReductionOperation<T> op, int root)
        {
            T[] result = null;
            Reduce([value], op, root, ref result);
            return root == Root ? result[0] : default;
        }

        /// <summary>Element-wise form of <see cref="Reduce{T}(T, ReductionOperation{T}, int)"/>; null except at the root.</summary>
        public T[] Reduce<T>(T[] values, ReductionOperation<T> op, int root)
        {
            T[] result = null;
            Reduce(values, op, root, ref result);
            return result;
        }

        /// <summary>
        /// Element-wise form of <see cref="Reduce{T}(T, ReductionOperation{T}, int)"/>: the root's
        /// <paramref name="outValues"/> receives the reduction (replaced unless of the remote
        /// arrays' length); <paramref name="inValues"/> is read in the other group only.
        /// </summary>
        public void Reduce<T>(T[] inValues, ReductionOperation<T> op, int root, ref T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(op);
            CheckRoot(root);
            if (root == Null)
                return;
            if (root == Root)
            {
                Deliver(ReceiveRemote<T>(0), ref outValues);
                return;
            }
            ArgumentNullException.ThrowIfNull(inValues);
            T[] reduced = _local.Reduce(inValues, op, 0);
            if (IsLeader)
                SendRemote(reduced, root);
        }

        /// <summary>Every process receives the reduction with <paramref name="op"/> of the <em>other</em> group's values, in remote rank order (MPI_Allreduce).</summary>
        public T Allreduce<T>(T value, ReductionOperation<T> op)
        {
            T[] result = null;
            Allreduce([value], op, ref result);
            return result[0];
        }

        /// <summary>Element-wise form of <see cref="Allreduce{T}(T, ReductionOperation{T})"/>; both groups pass arrays of one length.</summary>
        public T[] Allreduce<T>(T[] values, ReductionOperation<T> op)
        {
            T[] result = null;
            Allreduce(values, op, ref result);
            return result;
        }

        /// <summary>Element-wise form of <see cref="Allreduce{T}(T, ReductionOperation{T})"/>, into <paramref name="outValues"/>.</summary>
        public void Allreduce<T>(T[] inValues, ReductionOperation<T> op, ref T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            ArgumentNullException.ThrowIfNull(op);
            T[] reduced = _local.Reduce(inValues, op, 0);
            T[] theirs = IsLeader ? LeaderSwap(reduced) : null;
            Deliver(ShareFromLeader(theirs, inValues.Length), ref outValues);
        }

        /// <summary>
        /// Reduces the <em>other</em> group's arrays element-wise with <paramref name="op"/> and gives
        /// process r of this group counts[r] consecutive elements of the result (MPI_Reduce_scatter);
        /// the counts of each group add up to the arrays' length.
        /// </summary>
        public T[] ReduceScatter<T>(T[] values, ReductionOperation<T> op, int[] counts)
        {
            T[] result = null;
            ReduceScatter(values, op, counts, ref result);
            return result;
        }

        /// <summary>As <see cref="ReduceScatter{T}(T[], ReductionOperation{T}, int[])"/>, into <paramref name="outValues"/>.</summary>
        public void ReduceScatter<T>(T[] inValues, ReductionOperation<T> op, int[] counts, ref T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            ArgumentNullException.ThrowIfNull(op);
            ArgumentNullException.ThrowIfNull(counts);
            if (counts.Length != Size)
                throw new ArgumentException($"counts should hold one count for each of the {Size} processes of this group, not {counts.Length}", nameof(counts));
            int total = Total(counts, nameof(counts));
            T[] reduced = _local.Reduce(inValues, op, 0);
            T[] theirs = IsLeader ? LeaderSwap(reduced) : null;
            if (IsLeader && theirs.Length != total)
                throw new InvalidOperationException($"MPI.Intercommunicator.ReduceScatter: the other group's arrays have {theirs.Length} elements, this group's counts add up to {total}");
            _local.ScatterFromFlattened(theirs, counts, 0, ref outValues);
        }

        // ------------------------------------------------------------------ helpers

        private int[] Uniform(int count) => Uniform(RemoteSize, count);

        private static int[] Uniform(int length, int count)
        {
            var counts = new int[length];
            Array.Fill(counts, count);
            return counts;
        }

        private static void Deliver<T>(T[] result, ref T[] outValues)
        {
            if (outValues is not null && outValues.Length == result.Length)
                result.CopyTo(outValues, 0);
            else
                outValues = result;
        }
    }
}
