using System;
using MPI;

namespace MpiNetRank;

/// <summary>The C-style MPI.Unsafe layer: pointers, counts and handles on the world and self communicators.</summary>
internal static unsafe class UnsafeChecks
{
    public static void Run(Intracommunicator world)
    {
        Unsafe.MPI_Comm_rank(Unsafe.MPI_COMM_WORLD, out int rank);
        Unsafe.MPI_Comm_size(Unsafe.MPI_COMM_WORLD, out int size);
        Check.Equal(world.Rank, rank, "MPI_Comm_rank");
        Check.Equal(world.Size, size, "MPI_Comm_size");
        Unsafe.MPI_Comm_size(Unsafe.MPI_COMM_SELF, out int selfSize);
        Check.Equal(1, selfSize, "MPI_Comm_size(MPI_COMM_SELF)");

        // Ring with blocking send/receive (even ranks send first), status filled in, and one ignored.
        int next = (rank + 1) % size, previous = (rank + size - 1) % size;
        double[] outgoing = [rank, rank + 0.5, rank + 0.25];
        double[] incoming = new double[4];
        Unsafe.MPI_Status status = default;
        fixed (double* o = outgoing, i = incoming)
        {
            if (rank % 2 == 0)
            {
                Unsafe.MPI_Send(new IntPtr(o), 3, Unsafe.MPI_DOUBLE, next, 5, Unsafe.MPI_COMM_WORLD);
                Unsafe.MPI_Recv(new IntPtr(i), 4, Unsafe.MPI_DOUBLE, Unsafe.MPI_ANY_SOURCE, Unsafe.MPI_ANY_TAG, Unsafe.MPI_COMM_WORLD, out status);
            }
            else
            {
                Unsafe.MPI_Recv(new IntPtr(i), 4, Unsafe.MPI_DOUBLE, Unsafe.MPI_ANY_SOURCE, Unsafe.MPI_ANY_TAG, Unsafe.MPI_COMM_WORLD, out status);
                Unsafe.MPI_Send(new IntPtr(o), 3, Unsafe.MPI_DOUBLE, next, 5, Unsafe.MPI_COMM_WORLD);
            }
        }
        Check.Equal(previous, status.MPI_SOURCE, "MPI_Recv status source");
        Check.Equal(5, status.MPI_TAG, "MPI_Recv status tag");
        Check.Equal(24, status.count, "MPI_Recv status count (bytes)");
        Unsafe.MPI_Get_count(ref status, Unsafe.MPI_DOUBLE, out int count);
        Check.Equal(3, count, "MPI_Get_count");
        Check.Sequence([previous, previous + 0.5, previous + 0.25, 0], incoming, "MPI_Recv data");

        // Non-blocking exchange with MPI_STATUS_IGNORE, MPI_Test and MPI_Wait.
        int sent = 1000 + rank, got = -1;
        Unsafe.MPI_Irecv(new IntPtr(&got), 1, Unsafe.MPI_INT, previous, 6, Unsafe.MPI_COMM_WORLD, out int receiving);
        Unsafe.MPI_Isend(new IntPtr(&sent), 1, Unsafe.MPI_INT, next, 6, Unsafe.MPI_COMM_WORLD, out int sending);
        Check.True(receiving != Unsafe.MPI_REQUEST_NULL && sending != receiving, "requests have distinct handles");
        int flag = 0;
        while (flag == 0)
            Unsafe.MPI_Test(ref receiving, out flag, out *Unsafe.MPI_STATUS_IGNORE);
        Check.Equal(Unsafe.MPI_REQUEST_NULL, receiving, "a completed MPI_Test sets the request to MPI_REQUEST_NULL");
        Unsafe.MPI_Wait(ref sending, out *Unsafe.MPI_STATUS_IGNORE);
        Unsafe.MPI_Wait(ref sending, out status); // MPI_REQUEST_NULL: returns at once
        Check.Equal(1000 + previous, got, "MPI_Irecv data");

        // Collectives.
        long value = rank == 0 ? 77 : 0;
        Unsafe.MPI_Bcast(new IntPtr(&value), 1, Unsafe.MPI_LONG_LONG, 0, Unsafe.MPI_COMM_WORLD);
        Check.Equal(77L, value, "MPI_Bcast");
        int[] mine = [rank, 1];
        int[] sums = new int[2];
        fixed (int* m = mine, s = sums)
        {
            Unsafe.MPI_Allreduce(new IntPtr(m), new IntPtr(s), 2, Unsafe.MPI_INT, Unsafe.MPI_SUM, Unsafe.MPI_COMM_WORLD);
            Check.Sequence([size * (size - 1) / 2, size], sums, "MPI_Allreduce MPI_SUM");
            Unsafe.MPI_Allreduce(Unsafe.MPI_IN_PLACE, new IntPtr(m), 2, Unsafe.MPI_INT, Unsafe.MPI_MAX, Unsafe.MPI_COMM_WORLD);
            Check.Sequence([size - 1, 1], mine, "MPI_Allreduce MPI_IN_PLACE MPI_MAX");
            float f = rank + 1, product = 0;
            Unsafe.MPI_Reduce(new IntPtr(&f), new IntPtr(&product), 1, Unsafe.MPI_FLOAT, Unsafe.MPI_PROD, size - 1, Unsafe.MPI_COMM_WORLD);
            float factorial = 1;
            for (int k = 2; k <= size; k++)
                factorial *= k;
            Check.Equal(rank == size - 1 ? factorial : 0f, product, "MPI_Reduce MPI_PROD at the root only");
        }
        Unsafe.MPI_Barrier(Unsafe.MPI_COMM_WORLD);

        var bad = Check.Throws<ArgumentException>(() => Unsafe.MPI_Barrier(12345), "unknown communicator handle");
        Check.True(bad.Message.Contains("is not MPI_COMM_WORLD"), "the message names the valid handles");
        Check.Throws<ArgumentException>(() => Unsafe.MPI_Send(IntPtr.Zero, 0, 42, next, 0, Unsafe.MPI_COMM_WORLD), "unknown datatype handle");
        Operation<double>.UseGeneratedUserOps = false;
        Check.True(!Operation<double>.UseGeneratedUserOps, "UseGeneratedUserOps is settable");
    }
}
