#nullable disable
namespace MPI
{
    // MPI.Unsafe's collectives. A reduction is dispatched once on the datatype handle to Hpc's
    // generic Span<T> reduction, so the vectorized built-in kernels run, not a per-element switch.
    public static unsafe partial class Unsafe
    {
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
    }
}
