#nullable disable
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
    public static unsafe partial class Unsafe
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
    }
}
