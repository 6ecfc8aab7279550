#nullable disable
using System.Buffers;
using MPI.Internal;
using HpcComm = Hpc.Communicator;
using HpcRequest = Hpc.Request;
using HpcStatus = Hpc.Status;
using Raw = System.Runtime.CompilerServices.Unsafe;

namespace MPI
{
    /// <summary>
    /// MPI.NET's low-level, C-style interface (<c>MPI.Unsafe</c>): pointers, element counts and
    /// integer handles for the predefined datatypes, operations and communicators, as in MPI's C
    /// binding. Here it is a thin mapping onto Hpc, not P/Invoke into a native MPI: each call
    /// turns its pointer and count into a span and makes the matching Hpc call on
    /// <see cref="Communicator.world"/> or <see cref="Communicator.self"/>.
    /// <code>
    /// fixed (byte* p = buffer)
    ///     Unsafe.MPI_Send(new IntPtr(p), buffer.Length, Unsafe.MPI_BYTE, 1, 0, Unsafe.MPI_COMM_WORLD);
    /// </code>
    /// </summary>
    /// <remarks>
    /// <para>
    /// Provided: <c>MPI_Comm_rank</c>, <c>MPI_Comm_size</c>, <c>MPI_Send</c>, <c>MPI_Recv</c>,
    /// <c>MPI_Isend</c>, <c>MPI_Irecv</c>, <c>MPI_Wait</c>, <c>MPI_Test</c>, <c>MPI_Get_count</c>,
    /// <c>MPI_Barrier</c>, <c>MPI_Bcast</c>, <c>MPI_Reduce</c>, <c>MPI_Allreduce</c> (also with
    /// <see cref="MPI_IN_PLACE"/>), <c>MPI_Wtime</c>, <c>MPI_Wtick</c>, <c>MPI_Abort</c> — what
    /// MPI.NET's benchmarks (Netpipe_cs, Netcoll_cs) and typical direct-interface code call.
    /// Handle values are MS-MPI's, as in MPI.NET's Windows build; the communicators are
    /// <see cref="MPI_COMM_WORLD"/> and <see cref="MPI_COMM_SELF"/>.
    /// </para>
    /// <para>
    /// Differences from MPI.NET's: the wildcard and null ranks are Hpc's
    /// (<see cref="MPI_ANY_SOURCE"/> −1, <see cref="MPI_PROC_NULL"/> −2, <see cref="MPI_ROOT"/> −4),
    /// the same values as <see cref="Communicator.anySource"/> and <see cref="Intercommunicator.Null"/>;
    /// an error (an unknown handle, truncation) throws a .NET exception naming it instead of
    /// returning an error code, so every function that returns returns <see cref="MPI_SUCCESS"/>.
    /// <c>MPI_LONG</c> is 32 bits, as on Windows.
    /// </para>
    /// </remarks>
    public static unsafe class Unsafe
    {
        /// <summary>The status of a completed receive (MS-MPI's layout).</summary>
        public struct MPI_Status
        {
            /// <summary>Bytes received (read it as elements with <see cref="MPI_Get_count"/>).</summary>
            public int count;

            /// <summary>1 when the receive was cancelled.</summary>
            public int cancelled;

            /// <summary>The rank of the sender.</summary>
            public int MPI_SOURCE;

            /// <summary>The tag of the message.</summary>
            public int MPI_TAG;

            /// <summary>Always <see cref="MPI_SUCCESS"/> (errors throw).</summary>
            public int MPI_ERROR;
        }

        /// <summary>Returned by every function (errors throw instead).</summary>
        public const int MPI_SUCCESS = 0;

        /// <summary>All processes (MPI.Communicator.world).</summary>
        public const int MPI_COMM_WORLD = 0x44000000;

        /// <summary>This process alone (MPI.Communicator.self).</summary>
        public const int MPI_COMM_SELF = 0x44000001;

        /// <summary>No communicator.</summary>
        public const int MPI_COMM_NULL = 0x04000000;

        /// <summary>8-bit character (sbyte).</summary>
        public const int MPI_CHAR = 0x4c000101;

        /// <summary>Signed 8-bit integer.</summary>
        public const int MPI_SIGNED_CHAR = 0x4c000118;

        /// <summary>Unsigned 8-bit integer.</summary>
        public const int MPI_UNSIGNED_CHAR = 0x4c000102;

        /// <summary>Uninterpreted byte.</summary>
        public const int MPI_BYTE = 0x4c00010d;

        /// <summary>16-bit character (char).</summary>
        public const int MPI_WCHAR = 0x4c00020e;

        /// <summary>Signed 16-bit integer.</summary>
        public const int MPI_SHORT = 0x4c000203;

        /// <summary>Unsigned 16-bit integer.</summary>
        public const int MPI_UNSIGNED_SHORT = 0x4c000204;

        /// <summary>Signed 32-bit integer.</summary>
        public const int MPI_INT = 0x4c000405;

        /// <summary>Unsigned 32-bit integer.</summary>
        public const int MPI_UNSIGNED = 0x4c000406;

        /// <summary>Signed 32-bit integer (C long on Windows).</summary>
        public const int MPI_LONG = 0x4c000407;

        /// <summary>Unsigned 32-bit integer (C unsigned long on Windows).</summary>
        public const int MPI_UNSIGNED_LONG = 0x4c000408;

        /// <summary>32-bit floating point.</summary>
        public const int MPI_FLOAT = 0x4c00040a;

        /// <summary>64-bit floating point.</summary>
        public const int MPI_DOUBLE = 0x4c00080b;

        /// <summary>Signed 64-bit integer.</summary>
        public const int MPI_LONG_LONG_INT = 0x4c000809;

        /// <summary>Signed 64-bit integer.</summary>
        public const int MPI_LONG_LONG = MPI_LONG_LONG_INT;

        /// <summary>Unsigned 64-bit integer.</summary>
        public const int MPI_UNSIGNED_LONG_LONG = 0x4c000819;

        /// <summary>No datatype.</summary>
        public const int MPI_DATATYPE_NULL = 0x0c000000;

        /// <summary>Maximum.</summary>
        public const int MPI_MAX = 0x58000001;

        /// <summary>Minimum.</summary>
        public const int MPI_MIN = 0x58000002;

        /// <summary>Sum.</summary>
        public const int MPI_SUM = 0x58000003;

        /// <summary>Product.</summary>
        public const int MPI_PROD = 0x58000004;

        /// <summary>Logical and.</summary>
        public const int MPI_LAND = 0x58000005;

        /// <summary>Bitwise and.</summary>
        public const int MPI_BAND = 0x58000006;

        /// <summary>Logical or.</summary>
        public const int MPI_LOR = 0x58000007;

        /// <summary>Bitwise or.</summary>
        public const int MPI_BOR = 0x58000008;

        /// <summary>Logical exclusive or.</summary>
        public const int MPI_LXOR = 0x58000009;

        /// <summary>Bitwise exclusive or.</summary>
        public const int MPI_BXOR = 0x5800000a;

        /// <summary>No operation.</summary>
        public const int MPI_OP_NULL = 0x18000000;

        /// <summary>A request that is complete or was never started.</summary>
        public const int MPI_REQUEST_NULL = 0x2c000000;

        /// <summary>Receive from any sender (Hpc's value, as <see cref="Communicator.anySource"/>).</summary>
        public const int MPI_ANY_SOURCE = HpcComm.AnySource;

        /// <summary>Receive with any tag.</summary>
        public const int MPI_ANY_TAG = HpcComm.AnyTag;

        /// <summary>No process: sends to it and receives from it do nothing (Hpc's value).</summary>
        public const int MPI_PROC_NULL = HpcComm.ProcNull;

        /// <summary>The root of an intercommunicator collective (Hpc's value).</summary>
        public const int MPI_ROOT = Intercommunicator.Root;

        /// <summary>No such rank or color.</summary>
        public const int MPI_UNDEFINED = HpcComm.Undefined;

        /// <summary>Pass as a status to ignore it: <c>out *Unsafe.MPI_STATUS_IGNORE</c> (MS-MPI's value, 1).</summary>
        public static MPI_Status* MPI_STATUS_IGNORE = (MPI_Status*)1;

        /// <summary>As the send buffer of a reduction: the data is in the receive buffer and is replaced by the result.</summary>
        public static IntPtr MPI_IN_PLACE = new(-1);

        private static readonly Dictionary<int, Pending> s_requests = new();
        private static int s_lastRequest;

        private sealed record Pending(HpcRequest Request, MemoryManager<byte> Memory);

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

        // ================================================================== collectives

        /// <summary>Returns once every process of <paramref name="comm"/> has called it.</summary>
        public static int MPI_Barrier(int comm)
        {
            Resolve(comm).Barrier();
            return MPI_SUCCESS;
        }

        /// <summary>Copies <paramref name="count"/> elements at the root's <paramref name="buffer"/> to every process's.</summary>
        public static int MPI_Bcast(IntPtr buffer, int count, int datatype, int root, int comm)
        {
            Resolve(comm).Broadcast(new Span<byte>((void*)buffer, Bytes(count, datatype)), root);
            return MPI_SUCCESS;
        }

        /// <summary>Combines every process's <paramref name="count"/> elements with <paramref name="op"/> into the root's <paramref name="recvbuf"/>.</summary>
        public static int MPI_Reduce(IntPtr sendbuf, IntPtr recvbuf, int count, int datatype, int op, int root, int comm)
        {
            HpcComm hpc = Resolve(comm);
            Reduction(sendbuf, hpc.Rank == root ? recvbuf : IntPtr.Zero, count, datatype, op, hpc, root);
            return MPI_SUCCESS;
        }

        /// <summary>Combines every process's <paramref name="count"/> elements with <paramref name="op"/> into every process's <paramref name="recvbuf"/>.</summary>
        public static int MPI_Allreduce(IntPtr sendbuf, IntPtr recvbuf, int count, int datatype, int op, int comm)
        {
            Reduction(sendbuf, recvbuf, count, datatype, op, Resolve(comm), root: -1);
            return MPI_SUCCESS;
        }

        // ================================================================== mapping

        private static HpcComm Resolve(int comm)
        {
            Communicator mpi = comm switch
            {
                MPI_COMM_WORLD => Communicator.world,
                MPI_COMM_SELF => Communicator.self,
                _ => throw new ArgumentException($"communicator handle 0x{comm:x8} is not MPI_COMM_WORLD (0x{MPI_COMM_WORLD:x8}) or MPI_COMM_SELF (0x{MPI_COMM_SELF:x8}), the communicators MPI.Unsafe knows", nameof(comm)),
            };
            if (mpi is null || Environment.Finalized)
                throw new InvalidOperationException("MPI.Unsafe: MPI is not running; call it between new MPI.Environment(ref args) and its Dispose");
            return mpi.Comm;
        }

        private static int SizeOf(int datatype) => datatype switch
        {
            MPI_BYTE or MPI_CHAR or MPI_SIGNED_CHAR or MPI_UNSIGNED_CHAR => 1,
            MPI_WCHAR or MPI_SHORT or MPI_UNSIGNED_SHORT => 2,
            MPI_INT or MPI_UNSIGNED or MPI_LONG or MPI_UNSIGNED_LONG or MPI_FLOAT => 4,
            MPI_DOUBLE or MPI_LONG_LONG_INT or MPI_UNSIGNED_LONG_LONG => 8,
            _ => throw new ArgumentException($"datatype handle 0x{datatype:x8} is not one of MPI.Unsafe's predefined datatypes (MPI_BYTE, MPI_CHAR, MPI_SIGNED_CHAR, MPI_UNSIGNED_CHAR, MPI_WCHAR, MPI_SHORT, MPI_UNSIGNED_SHORT, MPI_INT, MPI_UNSIGNED, MPI_LONG, MPI_UNSIGNED_LONG, MPI_FLOAT, MPI_DOUBLE, MPI_LONG_LONG, MPI_UNSIGNED_LONG_LONG)", nameof(datatype)),
        };

        private static int Bytes(int count, int datatype)
        {
            if (count < 0)
                throw new ArgumentOutOfRangeException(nameof(count), count, $"count {count} is negative");
            return checked(count * SizeOf(datatype));
        }

        private static Hpc.ReduceOp Operation(int op) => op switch
        {
            MPI_SUM => Hpc.ReduceOp.Sum,
            MPI_PROD => Hpc.ReduceOp.Prod,
            MPI_MIN => Hpc.ReduceOp.Min,
            MPI_MAX => Hpc.ReduceOp.Max,
            MPI_LAND => Hpc.ReduceOp.LogicalAnd,
            MPI_LOR => Hpc.ReduceOp.LogicalOr,
            MPI_LXOR => Hpc.ReduceOp.LogicalXor,
            MPI_BAND => Hpc.ReduceOp.BitAnd,
            MPI_BOR => Hpc.ReduceOp.BitOr,
            MPI_BXOR => Hpc.ReduceOp.BitXor,
            _ => throw new ArgumentException($"operation handle 0x{op:x8} is not one of MPI.Unsafe's predefined operations (MPI_SUM, MPI_PROD, MPI_MIN, MPI_MAX, MPI_LAND, MPI_LOR, MPI_LXOR, MPI_BAND, MPI_BOR, MPI_BXOR)", nameof(op)),
        };

        // A reduction on the element type the datatype names (root −1: every process gets the result).
        private static void Reduction(IntPtr send, IntPtr receive, int count, int datatype, int op, HpcComm comm, int root)
        {
            Hpc.ReduceOp reduceOp = Operation(op);
            switch (datatype)
            {
                case MPI_CHAR or MPI_SIGNED_CHAR: Reduce<sbyte>(send, receive, count, reduceOp, comm, root); break;
                case MPI_BYTE or MPI_UNSIGNED_CHAR: Reduce<byte>(send, receive, count, reduceOp, comm, root); break;
                case MPI_SHORT: Reduce<short>(send, receive, count, reduceOp, comm, root); break;
                case MPI_WCHAR or MPI_UNSIGNED_SHORT: Reduce<ushort>(send, receive, count, reduceOp, comm, root); break;
                case MPI_INT or MPI_LONG: Reduce<int>(send, receive, count, reduceOp, comm, root); break;
                case MPI_UNSIGNED or MPI_UNSIGNED_LONG: Reduce<uint>(send, receive, count, reduceOp, comm, root); break;
                case MPI_LONG_LONG_INT: Reduce<long>(send, receive, count, reduceOp, comm, root); break;
                case MPI_UNSIGNED_LONG_LONG: Reduce<ulong>(send, receive, count, reduceOp, comm, root); break;
                case MPI_FLOAT: Reduce<float>(send, receive, count, reduceOp, comm, root); break;
                case MPI_DOUBLE: Reduce<double>(send, receive, count, reduceOp, comm, root); break;
                default: SizeOf(datatype); break; // names the bad handle
            }
        }

        private static void Reduce<T>(IntPtr send, IntPtr receive, int count, Hpc.ReduceOp op, HpcComm comm, int root) where T : unmanaged
        {
            if (count < 0)
                throw new ArgumentOutOfRangeException(nameof(count), count, $"count {count} is negative");
            bool gets = root < 0 || comm.Rank == root;
            var result = new Span<T>((void*)(gets ? receive : IntPtr.Zero), gets ? count : 0);
            if (send == MPI_IN_PLACE)
            {
                // The data is in the receive buffer (and, at a non-root of Reduce, MPI reads recvbuf too).
                if (!gets)
                    throw new ArgumentException("MPI_IN_PLACE is the send buffer only at the root of MPI_Reduce", nameof(send));
                if (root < 0)
                    comm.Allreduce(result, op);
                else
                    comm.Reduce(result, op, root);
                return;
            }
            var data = new ReadOnlySpan<T>((void*)send, count);
            if (root < 0)
                comm.Allreduce(data, result, op);
            else
                comm.Reduce(data, result, op, root);
        }

        private static int Track(HpcRequest request, MemoryManager<byte> memory)
        {
            lock (s_requests)
            {
                do
                {
                    s_lastRequest = s_lastRequest == int.MaxValue ? 1 : s_lastRequest + 1;
                }
                while (s_lastRequest == MPI_REQUEST_NULL || s_requests.ContainsKey(s_lastRequest));
                s_requests.Add(s_lastRequest, new Pending(request, memory));
                return s_lastRequest;
            }
        }

        private static Pending Take(int request)
        {
            lock (s_requests)
            {
                if (!s_requests.Remove(request, out Pending pending))
                    throw new ArgumentException($"request handle {request} is not an active request of MPI.Unsafe", nameof(request));
                return pending;
            }
        }

        private static void Store(ref MPI_Status status, HpcStatus received) =>
            Store(ref status, received.Source, received.Tag, checked((int)received.ByteCount));

        // MPI_STATUS_IGNORE arrives as a reference to address 1 (or 0): write nothing there.
        private static void Store(ref MPI_Status status, int source, int tag, int bytes)
        {
            void* where = Raw.AsPointer(ref status);
            if (where == MPI_STATUS_IGNORE || where == null)
                return;
            status = new MPI_Status { count = bytes, MPI_SOURCE = source, MPI_TAG = tag, MPI_ERROR = MPI_SUCCESS };
        }

        // Memory over a caller's pointer, so Hpc's non-blocking calls (which take Memory<T>) can use it.
        private sealed class PointerMemory(byte* pointer, int length) : MemoryManager<byte>
        {
            public override Span<byte> GetSpan() => new(pointer, length);

            public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

            public override void Unpin()
            {
            }

            protected override void Dispose(bool disposing)
            {
            }
        }
    }
}
