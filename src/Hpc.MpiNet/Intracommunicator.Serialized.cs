#nullable disable
using MPI.Internal;

namespace MPI
{
    // Collectives of serialized values (types that are not unmanaged), built on Hpc's collectives
    // over bytes: the byte counts move first (a small collective of ints), then the bytes
    // themselves with the v-form of the same collective. A process never deserializes its own
    // value; it keeps the object it passed in, as MPI.NET did.
    public partial class Intracommunicator
    {
        private byte[] Serialize<T>(T value) => Codec.Serialize(Serialization, value);

        private T Deserialize<T>(ReadOnlySpan<byte> bytes, int source, string operation) =>
            Codec.Deserialize<T>(Serialization, bytes, $"rank {source}'s contribution to {operation} ({bytes.Length} serialized bytes)");

        internal void BroadcastSerialized<T>(ref T value, int root)
        {
            CheckRoot(root);
            if (Size == 1)
                return;
            byte[] bytes = Rank == root ? Serialize(value) : null;
            int length = Comm.Broadcast(bytes?.Length ?? 0, root);
            bytes ??= new byte[length];
            Comm.Broadcast(bytes, root);
            if (Rank != root)
                value = Deserialize<T>(bytes, root, "Broadcast");
        }

        /// <summary>Every process's value at the root, by rank (null elsewhere).</summary>
        internal T[] GatherSerialized<T>(T value, int root)
        {
            CheckRoot(root);
            bool isRoot = Rank == root;
            byte[] mine = isRoot ? [] : Serialize(value);
            int[] counts = Comm.Gather(mine.Length, root);
            byte[] all = isRoot ? new byte[Sum(counts)] : [];
            Comm.Gatherv<byte>(mine, all, isRoot ? counts : [], root);
            return isRoot ? Unpack(all, counts, root, value, "Gather") : null;
        }

        /// <summary>Every process's value on every process, by rank.</summary>
        internal T[] AllgatherSerialized<T>(T value)
        {
            byte[] mine = Serialize(value);
            int[] counts = Comm.Allgather(mine.Length);
            var all = new byte[Sum(counts)];
            Comm.Allgatherv<byte>(mine, all, counts);
            return Unpack(all, counts, Rank, value, "Allgather");
        }

        /// <summary>The root's <paramref name="values"/>[Rank] on each process (values used only at the root).</summary>
        internal T ScatterSerialized<T>(T[] values, int root)
        {
            CheckRoot(root);
            bool isRoot = Rank == root;
            int[] counts = [];
            byte[] packed = [];
            if (isRoot)
            {
                if (values is null || values.Length != Size)
                    throw new ArgumentException("MPI.Communicator.Scatter: values must contain one value for each process.", nameof(values));
                (packed, counts) = Pack(values, skip: root);
            }
            int length = Comm.Scatter<int>(counts, root);
            var mine = new byte[length];
            Comm.Scatterv<byte>(packed, counts, mine, root);
            return isRoot ? values[root] : Deserialize<T>(mine, root, "Scatter");
        }

        /// <summary>Sends <paramref name="values"/>[r] to rank r; returns the value from each process, by rank.</summary>
        internal T[] AlltoallSerialized<T>(T[] values)
        {
            (byte[] packed, int[] sendCounts) = Pack(values, skip: Rank);
            int[] receiveCounts = Comm.Alltoall<int>(sendCounts);
            var all = new byte[Sum(receiveCounts)];
            Comm.Alltoallv<byte>(packed, sendCounts, all, receiveCounts);
            return Unpack(all, receiveCounts, Rank, values[Rank], "Alltoall");
        }

        /// <summary>Serializes each value except the one at <paramref name="skip"/> (which stays local) into one buffer.</summary>
        private (byte[] Packed, int[] Counts) Pack<T>(T[] values, int skip)
        {
            var parts = new byte[values.Length][];
            var counts = new int[values.Length];
            for (int r = 0; r < values.Length; r++)
            {
                parts[r] = r == skip ? [] : Serialize(values[r]);
                counts[r] = parts[r].Length;
            }
            var packed = new byte[Sum(counts)];
            int offset = 0;
            foreach (byte[] part in parts)
            {
                part.CopyTo(packed, offset);
                offset += part.Length;
            }
            return (packed, counts);
        }

        /// <summary>
        /// The inverse of <see cref="Pack{T}"/>: one value per rank out of the <paramref name="counts"/>[r]
        /// bytes each sent, in rank order; rank <paramref name="own"/> sent nothing and gets <paramref name="ownValue"/>.
        /// </summary>
        private T[] Unpack<T>(byte[] all, int[] counts, int own, T ownValue, string operation)
        {
            var result = new T[Size];
            int offset = 0;
            for (int r = 0; r < Size; r++)
            {
                result[r] = r == own ? ownValue : Deserialize<T>(all.AsSpan(offset, counts[r]), r, operation);
                offset += counts[r];
            }
            return result;
        }

        private static int Sum(int[] counts)
        {
            long total = 0;
            foreach (int count in counts)
                total += count;
            return total <= Array.MaxLength
                ? (int)total
                : throw new InvalidOperationException($"the serialized values add up to {total} bytes, more than one array can hold");
        }
    }
}
