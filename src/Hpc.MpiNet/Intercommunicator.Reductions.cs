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
            T[] result = ReduceAtRoot([value], op, root);
            return root == Root ? result[0] : default;
        }

        /// <summary>Element-wise form of <see cref="Reduce{T}(T, ReductionOperation{T}, int)"/>; null except at the root.</summary>
        public T[] Reduce<T>(T[] values, ReductionOperation<T> op, int root) => ReduceAtRoot(values, op, root);

        /// <summary>
        /// Element-wise form of <see cref="Reduce{T}(T, ReductionOperation{T}, int)"/>: the root's
        /// <paramref name="outValues"/> receives the reduction (replaced unless of the remote
        /// arrays' length); <paramref name="inValues"/> is read in the other group only.
        /// </summary>
        public void Reduce<T>(T[] inValues, ReductionOperation<T> op, int root, ref T[] outValues)
        {
            if (ReduceAtRoot(inValues, op, root) is { } reduced)
                OutputArrays.Deliver(reduced, ref outValues);
        }

        // As in the other Intercommunicator collectives, each reduction computes this process's
        // result once; the overloads differ only in whether it is returned or delivered into the
        // caller's array. Here: the other group's reduction at the root, null elsewhere.
        private T[] ReduceAtRoot<T>(T[] inValues, ReductionOperation<T> op, int root)
        {
            ArgumentNullException.ThrowIfNull(op);
            CheckRoot(root);
            if (root == Null)
                return null;
            if (root == Root)
                return ReceiveRemote<T>(0);
            ArgumentNullException.ThrowIfNull(inValues);
            T[] reduced = _local.Reduce(inValues, op, 0);
            if (IsLeader)
                SendRemote(reduced, root);
            return null;
        }

        /// <summary>Every process receives the reduction with <paramref name="op"/> of the <em>other</em> group's values, in remote rank order (MPI_Allreduce).</summary>
        public T Allreduce<T>(T value, ReductionOperation<T> op) => AllreduceOfRemote([value], op)[0];

        /// <summary>Element-wise form of <see cref="Allreduce{T}(T, ReductionOperation{T})"/>; both groups pass arrays of one length.</summary>
        public T[] Allreduce<T>(T[] values, ReductionOperation<T> op) => AllreduceOfRemote(values, op);

        /// <summary>Element-wise form of <see cref="Allreduce{T}(T, ReductionOperation{T})"/>, into <paramref name="outValues"/>.</summary>
        public void Allreduce<T>(T[] inValues, ReductionOperation<T> op, ref T[] outValues) =>
            OutputArrays.Deliver(AllreduceOfRemote(inValues, op), ref outValues);

        private T[] AllreduceOfRemote<T>(T[] inValues, ReductionOperation<T> op)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            ArgumentNullException.ThrowIfNull(op);
            T[] reduced = _local.Reduce(inValues, op, 0);
            T[] theirs = IsLeader ? LeaderSwap(reduced) : null;
            return ShareFromLeader(theirs, inValues.Length);
        }

        /// <summary>
        /// Reduces the <em>other</em> group's arrays element-wise with <paramref name="op"/> and gives
        /// process r of this group counts[r] consecutive elements of the result (MPI_Reduce_scatter);
        /// the counts of each group add up to the arrays' length.
        /// </summary>
        public T[] ReduceScatter<T>(T[] values, ReductionOperation<T> op, int[] counts) =>
            _local.ScatterFromFlattened(ReductionOfRemote(values, op, counts), counts, 0);

        /// <summary>As <see cref="ReduceScatter{T}(T[], ReductionOperation{T}, int[])"/>, into <paramref name="outValues"/>.</summary>
        public void ReduceScatter<T>(T[] inValues, ReductionOperation<T> op, int[] counts, ref T[] outValues) =>
            _local.ScatterFromFlattened(ReductionOfRemote(inValues, op, counts), counts, 0, ref outValues);

        // The other group's element-wise reduction at this group's leader (null elsewhere), checked
        // against this group's counts; the local group's scatter then hands out the pieces.
        private T[] ReductionOfRemote<T>(T[] inValues, ReductionOperation<T> op, int[] counts)
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
            return theirs;
        }
    }
}
