#nullable disable
using Raw = System.Runtime.CompilerServices.Unsafe;

namespace MPI
{
    // MPI.Unsafe's environment queries and point-to-point calls: each turns its pointer and count
    // into a span or (for the non-blocking forms) a tracked request, and calls Hpc.
    public static unsafe partial class Unsafe
    {
        // ================================================================== environment

        /// <summary>This process's rank in <paramref name="comm"/>.</summary>
        public static int MPI_Comm_rank(int comm, out int rank)
        {
            rank = Resolve(comm).Rank;
            return MPI_SUCCESS;
        }

        /// <summary>The number of processes in <paramref name="comm"/>.</summary>
        public static int MPI_Comm_size(int comm, out int size)
        {
            size = Resolve(comm).Size;
            return MPI_SUCCESS;
        }

        /// <summary>Seconds since an arbitrary origin (MPI.Environment.Time).</summary>
        public static double MPI_Wtime() => Hpc.Mpi.Wtime();

        /// <summary>Resolution of <see cref="MPI_Wtime"/> in seconds.</summary>
        public static double MPI_Wtick() => Hpc.Mpi.Wtick;

        /// <summary>Ends every process of the job with <paramref name="errcode"/>.</summary>
        public static int MPI_Abort(int comm, int errcode)
        {
            Resolve(comm).Abort(errcode);
            return MPI_SUCCESS;
        }

        // ================================================================== point-to-point

        /// <summary>Sends <paramref name="count"/> elements at <paramref name="buf"/> to <paramref name="dest"/> (blocking).</summary>
        public static int MPI_Send(IntPtr buf, int count, int datatype, int dest, int tag, int comm)
        {
            Resolve(comm).Send(new ReadOnlySpan<byte>((void*)buf, Bytes(count, datatype)), dest, tag);
            return MPI_SUCCESS;
        }

        /// <summary>Receives at most <paramref name="count"/> elements into <paramref name="buf"/> (blocking).</summary>
        /// <param name="buf">Where the data goes.</param>
        /// <param name="count">Room in elements.</param>
        /// <param name="datatype">The element type.</param>
        /// <param name="source">A rank, <see cref="MPI_ANY_SOURCE"/> or <see cref="MPI_PROC_NULL"/>.</param>
        /// <param name="tag">A tag or <see cref="MPI_ANY_TAG"/>.</param>
        /// <param name="comm">The communicator.</param>
        /// <param name="status">Sender, tag and size; pass <c>out *MPI_STATUS_IGNORE</c> to skip it.</param>
        public static int MPI_Recv(IntPtr buf, int count, int datatype, int source, int tag, int comm, out MPI_Status status)
        {
            Raw.SkipInit(out status);
            HpcStatus received = Resolve(comm).Receive(new Span<byte>((void*)buf, Bytes(count, datatype)), source, tag);
            Store(ref status, received);
            return MPI_SUCCESS;
        }

        /// <summary>Starts sending <paramref name="count"/> elements at <paramref name="buf"/>; the memory must stay put until the request completes.</summary>
        public static int MPI_Isend(IntPtr buf, int count, int datatype, int dest, int tag, int comm, out int request)
        {
            var memory = new PointerMemory((byte*)buf, Bytes(count, datatype));
            request = Track(Resolve(comm).Isend<byte>(memory.Memory, dest, tag), memory);
            return MPI_SUCCESS;
        }

        /// <summary>Starts receiving at most <paramref name="count"/> elements into <paramref name="buf"/>; the memory must stay put until the request completes.</summary>
        public static int MPI_Irecv(IntPtr buf, int count, int datatype, int source, int tag, int comm, out int request)
        {
            var memory = new PointerMemory((byte*)buf, Bytes(count, datatype));
            request = Track(Resolve(comm).Irecv(memory.Memory, source, tag), memory);
            return MPI_SUCCESS;
        }

        /// <summary>Waits for <paramref name="request"/> and sets it to <see cref="MPI_REQUEST_NULL"/>.</summary>
        public static int MPI_Wait(ref int request, out MPI_Status status)
        {
            Raw.SkipInit(out status);
            if (request == MPI_REQUEST_NULL)
            {
                Store(ref status, MPI_ANY_SOURCE, MPI_ANY_TAG, 0);
                return MPI_SUCCESS;
            }
            Pending pending = Take(request);
            Store(ref status, pending.Request.Wait());
            request = MPI_REQUEST_NULL;
            return MPI_SUCCESS;
        }

        /// <summary>Sets <paramref name="flag"/> to 1 when <paramref name="request"/> has completed (then it becomes <see cref="MPI_REQUEST_NULL"/>), else 0.</summary>
        public static int MPI_Test(ref int request, out int flag, out MPI_Status status)
        {
            Raw.SkipInit(out status);
            if (request == MPI_REQUEST_NULL)
            {
                flag = 1;
                Store(ref status, MPI_ANY_SOURCE, MPI_ANY_TAG, 0);
                return MPI_SUCCESS;
            }
            Pending pending;
            lock (s_requests)
            {
                if (!s_requests.TryGetValue(request, out pending))
                    throw new ArgumentException($"request handle {request} is not an active request of MPI.Unsafe", nameof(request));
            }
            if (!pending.Request.Test(out HpcStatus done))
            {
                flag = 0;
                return MPI_SUCCESS;
            }
            Take(request);
            Store(ref status, done);
            request = MPI_REQUEST_NULL;
            flag = 1;
            return MPI_SUCCESS;
        }

        /// <summary>The number of <paramref name="datatype"/> elements a receive delivered.</summary>
        public static int MPI_Get_count(ref MPI_Status status, int datatype, out int count)
        {
            int size = SizeOf(datatype);
            count = status.count % size == 0 ? status.count / size : MPI_UNDEFINED;
            return MPI_SUCCESS;
        }
    }
}
