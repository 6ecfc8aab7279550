#nullable disable
using MPI.Internal;

namespace MPI
{
    // The intercommunicator's all-to-all collectives: each process's values go to the leader of
    // its group, the two leaders swap, and each leader hands out what the other group sent.
    public partial class Intercommunicator
    {
        // ================================================================== allgather and alltoall

        /// <summary>Gives every process the other group's values, indexed by remote rank (MPI_Allgather).</summary>
        public T[] Allgather<T>(T value) => AllgatherFromRemote(value);

        /// <summary>As <see cref="Allgather{T}(T)"/>, into <paramref name="outValues"/> (replaced unless of length RemoteSize).</summary>
        public void Allgather<T>(T inValue, ref T[] outValues) => OutputArrays.Deliver(AllgatherFromRemote(inValue), ref outValues);

        // Each collective here computes this process's result once; the overloads differ only in
        // whether it is returned or delivered into the caller's array.
        private T[] AllgatherFromRemote<T>(T inValue)
        {
            T[] local = _local.Gather(inValue, 0);
            T[] theirs = IsLeader ? LeaderSwap(local) : null;
            return ShareFromLeader(theirs, RemoteSize);
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
            OutputArrays.Deliver(ShareFromLeader(theirs, total), ref outValues);
        }

        /// <summary>Sends <paramref name="values"/>[r] to remote process r; returns the value each remote process sent here (MPI_Alltoall).</summary>
        public T[] Alltoall<T>(T[] values) => AlltoallOneEach(values);

        /// <summary>As <see cref="Alltoall{T}(T[])"/>, into <paramref name="outValues"/>.</summary>
        public void Alltoall<T>(T[] inValues, ref T[] outValues) => OutputArrays.Deliver(AlltoallOneEach(inValues), ref outValues);

        private T[] AlltoallOneEach<T>(T[] inValues)
        {
            if (inValues is null || inValues.Length != RemoteSize)
                throw new ArgumentException($"MPI.Intercommunicator.Alltoall: inValues must hold one value for each of the {RemoteSize} remote processes", nameof(inValues));
            return AlltoallExchange(inValues, Uniform(1), Uniform(1));
        }

        /// <summary>
        /// Sends <paramref name="sendCounts"/>[r] consecutive values of <paramref name="inValues"/>
        /// to remote process r and receives <paramref name="recvCounts"/>[r] values from it, in
        /// remote rank order, into <paramref name="outValues"/> (MPI_Alltoallv).
        /// </summary>
        public void AlltoallFlattened<T>(T[] inValues, int[] sendCounts, int[] recvCounts, ref T[] outValues) =>
            OutputArrays.Deliver(AlltoallExchange(inValues, sendCounts, recvCounts), ref outValues);

        private T[] AlltoallExchange<T>(T[] inValues, int[] sendCounts, int[] recvCounts)
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
            T[] mine = _local.ScatterFromFlattened(regrouped, perDestination, 0);
            if (mine.Length != receiveTotal)
                throw new InvalidOperationException($"MPI.Intercommunicator.AlltoallFlattened: {mine.Length} values arrived for this process, recvCounts add up to {receiveTotal}");
            return mine;
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
    }
}
