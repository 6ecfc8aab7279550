using System.Text;

namespace Hpc;

// Collective checking (mpirun --check, HPC_CHECK=1): before a collective moves any data, every
// rank shows rank 0 how it called it — the collective, count, element type, root and operation —
// and rank 0 answers everyone with the verdict. A mismatch then fails on every rank with a
// message naming both calls, instead of a hang or silently corrupted data. Off by default; when
// on it costs two small messages per rank and collective. Every collective whose count MPI
// requires to be equal on all ranks is checked, Allgather, Scan and Exscan included; the v
// forms (Gatherv, Scatterv, Allgatherv, Alltoallv) are not, since each rank's count differs.
public sealed partial class Communicator
{
    private const int CheckMessageBytes = 2048;

    private void CheckConsistency(int tag, string operation, long count, Type elementType, int root = -1, string? op = null)
    {
        if (!Runtime.CheckCollectives || Size == 1)
            return;
        string call = $"{operation}(count={count}, {elementType.Name}{(root >= 0 ? $", root={root}" : "")}{(op is null ? "" : $", op={op}")})";
        Span<byte> buffer = stackalloc byte[CheckMessageBytes];
        if (Rank == 0)
        {
            string? verdict = null;
            for (int r = 1; r < Size; r++)
            {
                Collective.Receive<byte>(r, tag, buffer);
                string theirs = Decode(buffer);
                verdict ??= theirs == call ? null
                    : $"collective mismatch on '{Name}': rank 0 called {call} but rank {r} called {theirs}";
            }
            Encode(verdict ?? "", buffer);
            for (int r = 1; r < Size; r++)
                Collective.Send<byte>(r, tag, buffer);
            if (verdict is not null)
                throw new HpcException(verdict);
        }
        else
        {
            Encode(call, buffer);
            Collective.Send<byte>(0, tag, buffer);
            Collective.Receive<byte>(0, tag, buffer);
            string verdict = Decode(buffer);
            if (verdict.Length > 0)
                throw new HpcException(verdict);
        }
    }

    private static void Encode(string text, Span<byte> buffer)
    {
        buffer.Clear();
        // At most 3 bytes per char: 600 chars always fit, with room for the terminating zero.
        Encoding.UTF8.GetBytes(text.Length > 600 ? text[..600] : text, buffer);
    }

    private static string Decode(ReadOnlySpan<byte> buffer)
    {
        int end = buffer.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
    }
}
