#nullable disable
namespace MPI
{
    // Mapping MPI.Unsafe's integer handles (communicators, datatypes) onto Hpc; an unknown handle
    // throws an exception that names it, where C MPI would return an error code.
    public static unsafe partial class Unsafe
    {
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
    }
}
