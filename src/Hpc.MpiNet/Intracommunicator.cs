#nullable disable
using MPI.Internal;

namespace MPI
{
    /// <summary>
    /// A communicator of one group of processes, with MPI.NET's collectives: Barrier, Broadcast,
    /// Gather, Scatter, Allgather, Alltoall (each also "Flattened" into one array), Reduce,
    /// Allreduce, Scan, ExclusiveScan and ReduceScatter.
    /// </summary>
    /// <remarks>
    /// <para>
    /// For an unmanaged <c>T</c> each call is one Hpc collective on the raw data (a reduction with
    /// an <see cref="Operation{T}"/> built-in on a primitive type runs Hpc's vectorized kernel; any
    /// other <see cref="ReductionOperation{T}"/> is applied in rank order). For other types the values
    /// are serialized and moved with Hpc's byte collectives (gathers, scatters, broadcasts of the
    /// serialized bytes); reductions of serialized values are computed at rank 0 in rank order and
    /// the results sent back out.
    /// </para>
    /// <para>
    /// Every collective must be called by all processes of the communicator in the same order. As in
    /// MPI.NET, an array broadcast of an unmanaged type needs the array allocated with the right
    /// length on every process.
    /// </para>
    /// </remarks>
    public partial class Intracommunicator : Communicator
    {
        internal Intracommunicator(HpcComm comm, HpcComm shadow, bool predefined) : base(comm, shadow, predefined) { }

        /// <summary>Wraps an Hpc communicator: collective over it (it makes the private shadow communicator).</summary>
        internal static Intracommunicator Wrap(HpcComm comm, bool predefined) => new(comm, comm.Duplicate(copyAttributes: false), predefined);

        /// <summary>
        /// Wraps a communicator of Hpc's API so MPI.NET-style code can use it (an Hpc addition).
        /// Collective over <paramref name="communicator"/>.
        /// </summary>
        public static Intracommunicator Adopt(HpcComm communicator)
        {
            ArgumentNullException.ThrowIfNull(communicator);
            return Wrap(communicator, predefined: true);
        }

        // ================================================================== broadcast

        /// <summary>Copies the root's <paramref name="value"/> into <paramref name="value"/> on every process (MPI_Bcast).</summary>
        public void Broadcast<T>(ref T value, int root)
        {
            if (Blittable<T>.Ops is { } ops)
                ops.Broadcast(Comm, ref value, root);
            else
                BroadcastSerialized(ref value, root);
        }

        /// <summary>
        /// Copies the root's array to every process (MPI_Bcast). For an unmanaged element type every
        /// process must pass an array of the root's length; otherwise the array is replaced by the root's.
        /// </summary>
        public void Broadcast<T>(ref T[] values, int root)
        {
            if (Blittable<T>.Ops is { } ops)
            {
                if (values is null)
                    throw new ArgumentNullException(nameof(values), $"rank {Rank}: Broadcast of an unmanaged array needs the array allocated with the root's length on every process");
                ops.Broadcast(Comm, values, root);
            }
            else
            {
                BroadcastSerialized(ref values, root);
            }
        }

        // ================================================================== gather

        /// <summary>Collects every process's value at <paramref name="root"/>, indexed by rank (MPI_Gather); null on the other processes.</summary>
        public T[] Gather<T>(T value, int root) => GatherInto(value, root, null);

        /// <summary>
        /// Collects every process's value into the root's <paramref name="outValues"/>, allocated when
        /// null or not of length <see cref="Communicator.Size"/> (MPI_Gather); unchanged elsewhere.
        /// </summary>
        public void Gather<T>(T inValue, int root, ref T[] outValues) => outValues = GatherInto(inValue, root, outValues);

        // Each collective below that yields an array has one body, shared by the overload that
        // returns a new array (outValues null) and the one that fills the caller's: it returns
        // where the result is (outValues, a replacement, or null where the process gets nothing).
        private T[] GatherInto<T>(T inValue, int root, T[] outValues)
        {
            CheckRoot(root);
            bool isRoot = Rank == root;
            if (isRoot)
                OutputArrays.Fit(ref outValues, Size);
            if (Blittable<T>.Ops is { } ops)
            {
                ops.Gather(Comm, inValue, isRoot ? outValues : null, root);
                return outValues;
            }
            T[] gathered = GatherSerialized(inValue, root);
            if (isRoot)
                gathered.CopyTo(outValues, 0);
            return outValues;
        }

        /// <summary>Gathers equal-length arrays into one array at the root, in rank order (MPI_Gather); null elsewhere.</summary>
        public T[] GatherFlattened<T>(T[] inValues, int root) => GatherFlattenedInto(inValues, root, null);

        /// <summary>Gathers arrays of <paramref name="counts"/>[r] elements into one array at the root (MPI_Gatherv); null elsewhere.</summary>
        public T[] GatherFlattened<T>(T[] inValues, int[] counts, int root) => GatherFlattenedInto(inValues, counts, root, null);

        /// <summary>Gathers equal-length arrays into the root's <paramref name="outValues"/> (MPI_Gather).</summary>
        public void GatherFlattened<T>(T[] inValues, int root, ref T[] outValues) =>
            outValues = GatherFlattenedInto(inValues, root, outValues);

        private T[] GatherFlattenedInto<T>(T[] inValues, int root, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            return GatherFlattenedInto(inValues, Uniform(inValues.Length), root, outValues);
        }

        /// <summary>
        /// Gathers arrays of <paramref name="counts"/>[r] elements into the root's
        /// <paramref name="outValues"/>, allocated when null or too short (MPI_Gatherv).
        /// <paramref name="counts"/> is used only at the root.
        /// </summary>
        public void GatherFlattened<T>(T[] inValues, int[] counts, int root, ref T[] outValues) =>
            outValues = GatherFlattenedInto(inValues, counts, root, outValues);

        private T[] GatherFlattenedInto<T>(T[] inValues, int[] counts, int root, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            CheckRoot(root);
            bool isRoot = Rank == root;
            int total = 0;
            if (isRoot)
            {
                total = Total(counts, nameof(counts));
                OutputArrays.FitAtLeast(ref outValues, total);
            }
            if (Blittable<T>.Ops is { } ops)
            {
                ops.Gatherv(Comm, inValues, isRoot ? outValues : [], isRoot ? counts : [], root);
                return outValues;
            }
            T[][] gathered = GatherSerialized(inValues, root);
            if (isRoot)
                Concatenate(gathered, counts, outValues, "GatherFlattened");
            return outValues;
        }

        // ================================================================== allgather

        /// <summary>Collects every process's value on every process, indexed by rank (MPI_Allgather).</summary>
        public T[] Allgather<T>(T value) => AllgatherInto(value, null);

        /// <summary>Collects every process's value into <paramref name="outValues"/> on every process, allocated when null or not of length Size (MPI_Allgather).</summary>
        public void Allgather<T>(T inValue, ref T[] outValues) => outValues = AllgatherInto(inValue, outValues);

        private T[] AllgatherInto<T>(T inValue, T[] outValues)
        {
            OutputArrays.Fit(ref outValues, Size);
            if (Blittable<T>.Ops is { } ops)
                ops.Allgather(Comm, inValue, outValues);
            else
                AllgatherSerialized(inValue).CopyTo(outValues, 0);
            return outValues;
        }

        /// <summary>Concatenates every process's <paramref name="count"/> elements on every process, in rank order (MPI_Allgather).</summary>
        public T[] AllgatherFlattened<T>(T[] inValues, int count) => AllgatherFlattenedInto(inValues, Uniform(count), null);

        /// <summary>Concatenates every process's <paramref name="counts"/>[r] elements on every process (MPI_Allgatherv).</summary>
        public T[] AllgatherFlattened<T>(T[] inValues, int[] counts) => AllgatherFlattenedInto(inValues, counts, null);

        /// <summary>Concatenates every process's <paramref name="count"/> elements into <paramref name="outValues"/> (MPI_Allgather).</summary>
        public void AllgatherFlattened<T>(T[] inValues, int count, ref T[] outValues) =>
            outValues = AllgatherFlattenedInto(inValues, Uniform(count), outValues);

        /// <summary>
        /// Concatenates every process's <paramref name="counts"/>[r] elements into
        /// <paramref name="outValues"/>, allocated when null or not of the total length (MPI_Allgatherv).
        /// </summary>
        public void AllgatherFlattened<T>(T[] inValues, int[] counts, ref T[] outValues) =>
            outValues = AllgatherFlattenedInto(inValues, counts, outValues);

        private T[] AllgatherFlattenedInto<T>(T[] inValues, int[] counts, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            int total = Total(counts, nameof(counts));
            OutputArrays.Fit(ref outValues, total);
            if (Blittable<T>.Ops is { } ops)
                ops.Allgatherv(Comm, inValues, outValues, counts);
            else
                Concatenate(AllgatherSerialized(inValues), counts, outValues, "AllgatherFlattened");
            return outValues;
        }

        // ================================================================== scatter

        /// <summary>Root-only form of <see cref="Scatter{T}(T[], int)"/>: the calling process is the root.</summary>
        public T Scatter<T>(T[] values) => Scatter(values, Rank);

        /// <summary>Non-root form of <see cref="Scatter{T}(T[], int)"/>: receives this process's value from <paramref name="root"/>.</summary>
        /// <exception cref="ArgumentException">The calling process is the root.</exception>
        public T Scatter<T>(int root)
        {
            if (Rank == root)
                throw new ArgumentException("MPI.Communicator.Scatter: this variant of Scatter can only be called by non-root processes");
            return ScatterCore<T>(null, root);
        }

        /// <summary>Sends the root's <paramref name="values"/>[r] to rank r and returns this process's value (MPI_Scatter).</summary>
        /// <exception cref="ArgumentException">At the root, <paramref name="values"/> does not hold one value per process.</exception>
        public T Scatter<T>(T[] values, int root)
        {
            CheckRoot(root);
            if (Rank == root && (values is null || values.Length != Size))
                throw new ArgumentException("MPI.Communicator.Scatter: values must contain one value for each process.", nameof(values));
            return ScatterCore(Rank == root ? values : null, root);
        }

        private T ScatterCore<T>(T[] values, int root)
        {
            CheckRoot(root);
            if (Blittable<T>.Ops is { } ops)
                return ops.Scatter(Comm, values, root);
            return ScatterSerialized(values, root);
        }

        /// <summary>Sends <paramref name="count"/> consecutive elements of the root's array to each process (MPI_Scatter).</summary>
        public T[] ScatterFromFlattened<T>(T[] inValues, int count, int root) => ScatterFromFlattenedInto(inValues, Uniform(count), root, null);

        /// <summary>Sends <paramref name="counts"/>[r] consecutive elements of the root's array to rank r (MPI_Scatterv).</summary>
        public T[] ScatterFromFlattened<T>(T[] inValues, int[] counts, int root) => ScatterFromFlattenedInto(inValues, counts, root, null);

        /// <summary>Sends <paramref name="count"/> consecutive elements of the root's array to each process into <paramref name="outValues"/> (MPI_Scatter).</summary>
        public void ScatterFromFlattened<T>(T[] inValues, int count, int root, ref T[] outValues) =>
            outValues = ScatterFromFlattenedInto(inValues, Uniform(count), root, outValues);

        /// <summary>
        /// Sends <paramref name="counts"/>[r] consecutive elements of the root's array to rank r,
        /// into <paramref name="outValues"/> (allocated when null or not of length counts[Rank]) (MPI_Scatterv).
        /// <paramref name="inValues"/> is used only at the root.
        /// </summary>
        public void ScatterFromFlattened<T>(T[] inValues, int[] counts, int root, ref T[] outValues) =>
            outValues = ScatterFromFlattenedInto(inValues, counts, root, outValues);

        private T[] ScatterFromFlattenedInto<T>(T[] inValues, int[] counts, int root, T[] outValues)
        {
            CheckRoot(root);
            int total = Total(counts, nameof(counts));
            bool isRoot = Rank == root;
            if (isRoot)
            {
                ArgumentNullException.ThrowIfNull(inValues);
                if (total > inValues.Length)
                    throw new ArgumentException($"Sum of counts ({total}) > inValues.Length ({inValues.Length})", nameof(counts));
            }
            if (Blittable<T>.Ops is { } ops)
            {
                OutputArrays.Fit(ref outValues, counts[Rank]);
                ops.Scatterv(Comm, isRoot ? inValues : [], counts, outValues, root);
                return outValues;
            }
            return ScatterSerialized(isRoot ? Split(inValues, counts) : null, root);
        }

        // ================================================================== shared helpers

        private void CheckRoot(int root)
        {
            if ((uint)root >= (uint)Size)
                throw new ArgumentOutOfRangeException(nameof(root), root, $"root {root} is outside the communicator of {Size} processes");
        }

        private int[] Uniform(int count) => Counts.Uniform(Size, count);

        private int Total(int[] counts, string parameter)
        {
            ArgumentNullException.ThrowIfNull(counts, parameter);
            if (counts.Length != Size)
                throw new ArgumentException($"{parameter}.Length ({counts.Length}) != Communicator.Size ({Size})", parameter);
            return Counts.Total(counts, parameter);
        }

        /// <summary>Cuts <paramref name="values"/> into consecutive pieces of <paramref name="counts"/>[r] elements.</summary>
        private static T[][] Split<T>(T[] values, int[] counts)
        {
            var pieces = new T[counts.Length][];
            int offset = 0;
            for (int r = 0; r < counts.Length; r++)
            {
                pieces[r] = values.AsSpan(offset, counts[r]).ToArray();
                offset += counts[r];
            }
            return pieces;
        }

        /// <summary>Joins pieces into <paramref name="destination"/>, checking each holds its count.</summary>
        private static void Concatenate<T>(T[][] pieces, int[] counts, T[] destination, string operation)
        {
            int offset = 0;
            for (int r = 0; r < pieces.Length; r++)
            {
                int length = pieces[r]?.Length ?? 0;
                if (length != counts[r])
                    throw new ArgumentException($"{operation}: rank {r} contributed {length} elements but counts[{r}] is {counts[r]}", "counts");
                pieces[r]?.CopyTo(destination, offset);
                offset += length;
            }
        }
    }
}
