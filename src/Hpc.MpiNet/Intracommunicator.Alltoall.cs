#nullable disable
using MPI.Internal;

namespace MPI
{
    // MPI.NET's Alltoall overloads (MPI_Alltoall), raw and serialized.
    public partial class Intracommunicator
    {
        // ================================================================== alltoall

        /// <summary>Sends <paramref name="values"/>[r] to rank r and returns the value from each process, by rank (MPI_Alltoall).</summary>
        public T[] Alltoall<T>(T[] values) => AlltoallInto(values, null);

        /// <summary>Sends <paramref name="inValues"/>[r] to rank r and receives the value from each process into <paramref name="outValues"/> (MPI_Alltoall).</summary>
        /// <exception cref="ArgumentException"><paramref name="inValues"/> does not hold one value per process.</exception>
        public void Alltoall<T>(T[] inValues, ref T[] outValues) => outValues = AlltoallInto(inValues, outValues);

        // As in Intracommunicator.cs, one body per collective serves both the overload that returns
        // a new array (outValues null) and the one that fills the caller's.
        private T[] AlltoallInto<T>(T[] inValues, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            if (inValues.Length != Size)
                throw new ArgumentException($"Alltoall needs one value per process: inValues.Length ({inValues.Length}) != Communicator.Size ({Size})", nameof(inValues));
            OutputArrays.Fit(ref outValues, inValues.Length);
            if (Blittable<T>.Ops is { } ops)
                ops.Alltoall(Comm, inValues, outValues);
            else
                AlltoallSerialized(inValues).CopyTo(outValues, 0);
            return outValues;
        }

        /// <summary>Sends <paramref name="count"/> consecutive elements to each process and receives as many from each (MPI_Alltoall).</summary>
        public T[] AlltoallFlattened<T>(T[] inValues, int count) => AlltoallFlattenedInto(inValues, Uniform(count), Uniform(count), null);

        /// <summary>Sends <paramref name="count"/> consecutive elements to each process and receives as many from each into <paramref name="outValues"/> (MPI_Alltoall).</summary>
        public void AlltoallFlattened<T>(T[] inValues, int count, ref T[] outValues) =>
            outValues = AlltoallFlattenedInto(inValues, Uniform(count), Uniform(count), outValues);

        /// <summary>Sends <paramref name="sendCounts"/>[r] consecutive elements to rank r and receives <paramref name="recvCounts"/>[r] from it (MPI_Alltoallv).</summary>
        public T[] AlltoallFlattened<T>(T[] inValues, int[] sendCounts, int[] recvCounts) =>
            AlltoallFlattenedInto(inValues, sendCounts, recvCounts, null);

        /// <summary>
        /// Sends <paramref name="sendCounts"/>[r] consecutive elements to rank r and receives
        /// <paramref name="recvCounts"/>[r] from it, concatenated in rank order into
        /// <paramref name="outValues"/> (allocated when null or too short) (MPI_Alltoallv).
        /// </summary>
        public void AlltoallFlattened<T>(T[] inValues, int[] sendCounts, int[] recvCounts, ref T[] outValues) =>
            outValues = AlltoallFlattenedInto(inValues, sendCounts, recvCounts, outValues);

        private T[] AlltoallFlattenedInto<T>(T[] inValues, int[] sendCounts, int[] recvCounts, T[] outValues)
        {
            ArgumentNullException.ThrowIfNull(inValues);
            int sendTotal = Total(sendCounts, nameof(sendCounts));
            int receiveTotal = Total(recvCounts, nameof(recvCounts));
            if (sendTotal > inValues.Length)
                throw new ArgumentException($"Sum of sendCounts ({sendTotal}) > inValues.Length ({inValues.Length})", nameof(sendCounts));
            OutputArrays.FitAtLeast(ref outValues, receiveTotal);
            if (Blittable<T>.Ops is { } ops)
            {
                ops.Alltoallv(Comm, inValues, sendCounts, outValues, recvCounts);
                return outValues;
            }
            Concatenate(AlltoallSerialized(Split(inValues, sendCounts)), recvCounts, outValues, "AlltoallFlattened");
            return outValues;
        }
    }
}
