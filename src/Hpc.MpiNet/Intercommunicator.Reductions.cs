#nullable disable
using MPI.Internal;

namespace MPI
{
    // The intercommunicator's reductions: each group reduces its own values to its leader, then
    // the leaders exchange the results, so every process ends with the *other* group's reduction.
    public partial class Intercommunicator
    {
        // ================================================================== reductions

        /// <summary>
        /// At the root (<see cref="Root"/>), the reduction with <paramref name="op"/> of the other
        /// group's values in remote rank order (MPI_Reduce); elsewhere the default value. The other
        /// group passes the root's remote rank, the rest of the root's group <see cref="Null"/>.
        /// </summary>
        public T Reduce<T>(T value, ReductionOperation<T> op, int root)
        {
            T[] result = ReduceInto([value], op, root, null);
            return root == Root ? result[0] : default;
        }

        /// <summary>Element-wise form of <see cref="Reduce{T}(T, ReductionOperation{T}, int)"/>; null except at the root.</summary>
        public T[] Reduce<T>(T[] values, ReductionOperation<T> op, int root) => ReduceInto(values, op, root, null);

        /// <summary>
        /// Element-wise form of <see cref="Reduce{T}(T, ReductionOperation{T}, int)"/>: the root's
        /// <paramref name="outValues"/> receives the reduction (replaced unless of the remote
        /// arrays' length); <paramref name="inValues"/> is read in the other group only.
        /// </summary>
        public void Reduce<T>(T[] inValues, ReductionOperation<T> op, int root, ref T[] outValues) =>
            outValues = ReduceInto(inValues, op, root, outValues);

        // Each array reduction has one body, shared by the overload that returns a new array
        // (outValues null) and the one that fills the caller's: it returns where the result is.
        private T[] ReduceInto<T>(T[] inValues, ReductionOperation<T> op, int root, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(op);
            CheckRoot(root);
            if (root == Null)
                return outValues;
            if (root == Root)
            {
                OutputArrays.Deliver(ReceiveRemote<T>(0), ref outValues);
                return outValues;
            }
            ArgumentNullException.ThrowIfNull(inValues);
            T[] reduced = _local.Reduce(inValues, op, 0);
            if (IsLeader)
                SendRemote(reduced, root);
            return outValues;
        }

        /// <summary>Every process receives the reduction with <paramref name="op"/> of the <em>other</em> group's values, in remote rank order (MPI_Allreduce).</summary>
        public T Allreduce<T>(T value, ReductionOperation<T> op) => AllreduceInto([value], op, null)[0];

        /// <summary>Element-wise form of <see cref="Allreduce{T}(T, ReductionOperation{T})"/>; both groups pass arrays of one length.</summary>
        public T[] Allreduce<T>(T[] values, ReductionOperation<T> op) => AllreduceInto(values, op, null);

        /// <summary>Element-wise form of <see cref="Allreduce{T}(T, ReductionOperation{T})"/>, into <paramref name="outValues"/>.</summary>
        public void Allreduce<T>(T[] inValues, ReductionOperation<T> op, ref T[] outValues) =>
            outValues = AllreduceInto(inValues, op, outValues);

        private T[] AllreduceInto<T>(T[] inValues, ReductionOperation<T> op, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            ArgumentNullException.ThrowIfNull(op);
            T[] reduced = _local.Reduce(inValues, op, 0);
            T[] theirs = IsLeader ? LeaderSwap(reduced) : null;
            OutputArrays.Deliver(ShareFromLeader(theirs, inValues.Length), ref outValues);
            return outValues;
        }

        /// <summary>
        /// Reduces the <em>other</em> group's arrays element-wise with <paramref name="op"/> and gives
        /// process r of this group counts[r] consecutive elements of the result (MPI_Reduce_scatter);
        /// the counts of each group add up to the arrays' length.
        /// </summary>
        public T[] ReduceScatter<T>(T[] values, ReductionOperation<T> op, int[] counts) => ReduceScatterInto(values, op, counts, null);

        /// <summary>As <see cref="ReduceScatter{T}(T[], ReductionOperation{T}, int[])"/>, into <paramref name="outValues"/>.</summary>
        public void ReduceScatter<T>(T[] inValues, ReductionOperation<T> op, int[] counts, ref T[] outValues) =>
            outValues = ReduceScatterInto(inValues, op, counts, outValues);

        private T[] ReduceScatterInto<T>(T[] inValues, ReductionOperation<T> op, int[] counts, T[] outValues)
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
            return outValues;
        }
    }
}
