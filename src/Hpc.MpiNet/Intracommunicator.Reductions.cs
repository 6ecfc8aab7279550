#nullable disable
using MPI.Internal;

namespace MPI
{
    // Reductions: Reduce, Allreduce, Scan, ExclusiveScan, ReduceScatter. Results combine the
    // processes' values in rank order, x0 op x1 op … op x(n−1), whatever the operation, so a
    // non-commutative operation gives MPI's result. For unmanaged T, Hpc runs the reduction (its
    // vectorized built-in for an Operation<T> property on a primitive type, the delegate otherwise);
    // for serialized T the values are gathered at rank 0, combined there and sent back out.
    public partial class Intracommunicator
    {
        // ================================================================== reduce

        /// <summary>
        /// Combines every process's <paramref name="value"/> with <paramref name="op"/>; the root gets
        /// <c>v0 op v1 op … op v(n−1)</c>, the other processes the default value (MPI_Reduce).
        /// </summary>
        public T Reduce<T>(T value, ReductionOperation<T> op, int root)
        {
            ArgumentNullException.ThrowIfNull(op);
            CheckRoot(root);
            if (Blittable<T>.Ops is { } ops)
                return ops.Reduce(Comm, value, op, root);
            T[] all = GatherSerialized(value, root);
            return Rank == root ? Fold(all, op) : default;
        }

        /// <summary>Combines equal-length arrays element by element; the root gets the result, the others null (MPI_Reduce).</summary>
        public T[] Reduce<T>(T[] values, ReductionOperation<T> op, int root) => ReduceInto(values, op, root, null);

        /// <summary>
        /// Combines equal-length arrays element by element into the root's <paramref name="outValues"/>,
        /// allocated when null or of another length; unchanged on the other processes (MPI_Reduce).
        /// </summary>
        public void Reduce<T>(T[] inValues, ReductionOperation<T> op, int root, ref T[] outValues) =>
            outValues = ReduceInto(inValues, op, root, outValues);

        // The array forms below each have one body, shared by the overload that returns a new array
        // (outValues null) and the one that fills the caller's: it returns where the result is.
        private T[] ReduceInto<T>(T[] inValues, ReductionOperation<T> op, int root, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            ArgumentNullException.ThrowIfNull(op);
            CheckRoot(root);
            bool isRoot = Rank == root;
            if (isRoot)
                OutputArrays.Fit(ref outValues, inValues.Length);
            if (Blittable<T>.Ops is { } ops)
            {
                ops.Reduce(Comm, inValues, isRoot ? outValues : [], op, root);
                return outValues;
            }
            T[][] all = GatherSerialized(inValues, root);
            if (isRoot)
                FoldArrays(all, op, outValues, "Reduce");
            return outValues;
        }

        // ================================================================== allreduce

        /// <summary>Combines every process's <paramref name="value"/> with <paramref name="op"/> and returns the result on every process (MPI_Allreduce).</summary>
        public T Allreduce<T>(T value, ReductionOperation<T> op)
        {
            ArgumentNullException.ThrowIfNull(op);
            if (Blittable<T>.Ops is { } ops)
                return ops.Allreduce(Comm, value, op);
            T result = Reduce(value, op, 0);
            BroadcastSerialized(ref result, 0);
            return result;
        }

        /// <summary>Combines equal-length arrays element by element and returns the result on every process (MPI_Allreduce).</summary>
        public T[] Allreduce<T>(T[] values, ReductionOperation<T> op) => AllreduceInto(values, op, null);

        /// <summary>Combines equal-length arrays element by element into <paramref name="outValues"/> on every process (MPI_Allreduce).</summary>
        public void Allreduce<T>(T[] inValues, ReductionOperation<T> op, ref T[] outValues) =>
            outValues = AllreduceInto(inValues, op, outValues);

        private T[] AllreduceInto<T>(T[] inValues, ReductionOperation<T> op, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            ArgumentNullException.ThrowIfNull(op);
            OutputArrays.Fit(ref outValues, inValues.Length);
            if (Blittable<T>.Ops is { } ops)
            {
                ops.Allreduce(Comm, inValues, outValues, op);
                return outValues;
            }
            T[] result = ReduceInto(inValues, op, 0, Rank == 0 ? outValues : null);
            BroadcastSerialized(ref result, 0);
            if (!ReferenceEquals(result, outValues))
                result.CopyTo(outValues, 0);
            return outValues;
        }

        // ================================================================== scan

        /// <summary>Inclusive prefix reduction: rank r gets <c>v0 op … op vr</c> (MPI_Scan).</summary>
        public T Scan<T>(T value, ReductionOperation<T> op) => Prefix(value, op, exclusive: false);

        /// <summary>Inclusive prefix reduction of equal-length arrays, element by element (MPI_Scan).</summary>
        public T[] Scan<T>(T[] values, ReductionOperation<T> op) => PrefixInto(values, op, null, exclusive: false);

        /// <summary>Inclusive prefix reduction of equal-length arrays into <paramref name="outValues"/> (MPI_Scan).</summary>
        public void Scan<T>(T[] inValues, ReductionOperation<T> op, ref T[] outValues) =>
            outValues = PrefixInto(inValues, op, outValues, exclusive: false);

        /// <summary>
        /// Exclusive prefix reduction: rank r &gt; 0 gets <c>v0 op … op v(r−1)</c>, rank 0 the default
        /// value (MPI_Exscan).
        /// </summary>
        public T ExclusiveScan<T>(T value, ReductionOperation<T> op) => Prefix(value, op, exclusive: true);

        /// <summary>Exclusive prefix reduction of equal-length arrays; rank 0 gets null (MPI_Exscan).</summary>
        public T[] ExclusiveScan<T>(T[] values, ReductionOperation<T> op) => PrefixInto(values, op, null, exclusive: true);

        /// <summary>Exclusive prefix reduction of equal-length arrays into <paramref name="outValues"/>; rank 0's becomes null (MPI_Exscan).</summary>
        public void ExclusiveScan<T>(T[] inValues, ReductionOperation<T> op, ref T[] outValues) =>
            outValues = PrefixInto(inValues, op, outValues, exclusive: true);

        // Scan and ExclusiveScan differ only in whether rank r's prefix includes its own value; rank
        // 0's exclusive prefix is the default value (null for arrays), whatever Hpc returns there.
        private T Prefix<T>(T value, ReductionOperation<T> op, bool exclusive)
        {
            ArgumentNullException.ThrowIfNull(op);
            if (Blittable<T>.Ops is not { } ops)
                return PrefixSerialized(value, op, exclusive);
            if (!exclusive)
                return ops.Scan(Comm, value, op);
            T result = ops.ExclusiveScan(Comm, value, op);
            return Rank == 0 ? default : result;
        }

        private T[] PrefixInto<T>(T[] inValues, ReductionOperation<T> op, T[] outValues, bool exclusive)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            ArgumentNullException.ThrowIfNull(op);
            if (Blittable<T>.Ops is not { } ops)
                return PrefixSerialized(inValues, op, exclusive);
            OutputArrays.Fit(ref outValues, inValues.Length);
            if (!exclusive)
            {
                ops.Scan(Comm, inValues, outValues, op);
                return outValues;
            }
            ops.ExclusiveScan(Comm, inValues, outValues, op);
            return Rank == 0 ? null : outValues;
        }

        // ================================================================== reduce-scatter

        /// <summary>
        /// Reduces equal-length arrays element by element and gives rank r the <paramref name="counts"/>[r]
        /// elements after those of ranks 0 … r−1 (MPI_Reduce_scatter).
        /// </summary>
        public T[] ReduceScatter<T>(T[] values, ReductionOperation<T> op, int[] counts) => ReduceScatterInto(values, op, counts, null);

        /// <summary>
        /// Reduces equal-length arrays element by element and gives rank r its <paramref name="counts"/>[r]
        /// elements in <paramref name="outValues"/> (MPI_Reduce_scatter).
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="inValues"/>.Length is not the sum of <paramref name="counts"/>.</exception>
        public void ReduceScatter<T>(T[] inValues, ReductionOperation<T> op, int[] counts, ref T[] outValues) =>
            outValues = ReduceScatterInto(inValues, op, counts, outValues);

        private T[] ReduceScatterInto<T>(T[] inValues, ReductionOperation<T> op, int[] counts, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            ArgumentNullException.ThrowIfNull(op);
            int total = Total(counts, nameof(counts));
            if (inValues.Length != total)
                throw new ArgumentException("inValues array must have enough values for all of the receivers", nameof(inValues));
            if (Blittable<T>.Ops is { } ops)
            {
                OutputArrays.Fit(ref outValues, counts[Rank]);
                ops.ReduceScatter(Comm, inValues, outValues, counts, op);
                return outValues;
            }
            T[] reduced = Reduce(inValues, op, 0);
            return ScatterSerialized(Rank == 0 ? Split(reduced, counts) : null, 0);
        }

        // ================================================================== serialized prefix reductions

        // Scan and ExclusiveScan of serialized values: rank 0 gathers every value, builds the
        // prefixes in rank order and scatters them back. The exclusive form hands rank r the prefix
        // before its own value (rank 0 the default) and never combines the last value.
        private T PrefixSerialized<T>(T value, ReductionOperation<T> op, bool exclusive)
        {
            T[] all = GatherSerialized(value, 0);
            if (Rank == 0)
            {
                T accumulated = all[0];
                if (exclusive)
                    all[0] = default;
                for (int r = 1; r < Size; r++)
                {
                    T next = all[r];
                    if (!exclusive)
                        all[r] = accumulated = op(accumulated, next);
                    else
                    {
                        all[r] = accumulated;
                        if (r < Size - 1)
                            accumulated = op(accumulated, next);
                    }
                }
            }
            return ScatterSerialized(all, 0);
        }

        // The element-wise form; every rank's array must have rank 0's length. The exclusive form
        // gives rank 0 null.
        private T[] PrefixSerialized<T>(T[] inValues, ReductionOperation<T> op, bool exclusive)
        {
            string operation = exclusive ? "ExclusiveScan" : "Scan";
            T[][] all = GatherSerialized(inValues, 0);
            if (Rank == 0)
            {
                var accumulated = (T[])inValues.Clone();
                if (exclusive)
                {
                    all[0] = null;
                }
                else
                {
                    CheckLength(all[0], inValues.Length, 0, operation);
                    all[0] = (T[])accumulated.Clone();
                }
                for (int r = 1; r < Size; r++)
                {
                    T[] next = all[r];
                    CheckLength(next, inValues.Length, r, operation);
                    if (exclusive)
                        all[r] = (T[])accumulated.Clone();
                    for (int i = 0; i < accumulated.Length; i++)
                        accumulated[i] = op(accumulated[i], next[i]);
                    if (!exclusive)
                        all[r] = (T[])accumulated.Clone();
                }
            }
            return ScatterSerialized(all, 0);
        }

        // ================================================================== local combination

        private static T Fold<T>(T[] values, ReductionOperation<T> op)
        {
            T result = values[0];
            for (int r = 1; r < values.Length; r++)
                result = op(result, values[r]);
            return result;
        }

        private static void FoldArrays<T>(T[][] arrays, ReductionOperation<T> op, T[] result, string operation)
        {
            for (int r = 0; r < arrays.Length; r++)
                CheckLength(arrays[r], result.Length, r, operation);
            for (int i = 0; i < result.Length; i++)
            {
                T value = arrays[0][i];
                for (int r = 1; r < arrays.Length; r++)
                    value = op(value, arrays[r][i]);
                result[i] = value;
            }
        }

        private static void CheckLength<T>(T[] array, int length, int rank, string operation)
        {
            if ((array?.Length ?? 0) != length)
                throw new ArgumentException($"{operation}: rank {rank} contributed {array?.Length ?? 0} elements but the root has {length}; every process must pass arrays of the same length");
        }
    }
}
