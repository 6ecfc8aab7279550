using System.Buffers.Binary;
using Hpc.Diagnostics;
using Hpc.Reduction;

namespace Hpc;

// Collective checking (mpirun --check, HPC_CHECK=1): before a collective moves any data, every
// rank shows rank 0 how it called it — the collective, its sequence number, count, element type,
// root and operation, and for the v-forms the counts it passed — and rank 0 answers everyone
// with the verdict. A mismatch then fails on every rank with one sentence naming the ranks and
// their calls (the same words as mpirun's hang report, Diagnostics/Divergence.cs), instead of a
// hang or silently corrupted data; left unhandled, it ends the job with that one line. Off by
// default; when on it costs two small messages per rank and collective.
//
// Every collective is checked. For the v-forms each rank's own count differs by design, so what
// is compared is what MPI requires to agree: Gatherv/Scatterv — each rank's count against the
// root's counts[r]; Allgatherv and ReduceScatter — the counts array, the same on every rank;
// Alltoallv — what rank s sends to d against what d expects from s.
public sealed partial class Communicator
{
    private const int FingerprintBytes = 512;
    private const int HeaderBytes = FingerprintBytes + 16;
    private const int VerdictBytes = 2048;

    private void CheckConsistency<T>(CallKind kind, int tag, long count, int root = -1, string? op = null,
        ReadOnlySpan<int> vector = default, ReadOnlySpan<int> secondVector = default) where T : unmanaged
    {
        if (Runtime.CheckCollectives && Size > 1)
            CheckConsistency(kind, tag, count, typeof(T), root, op, vector, secondVector);
    }

    /// <remarks>
    /// Not generic: every element type a program's collectives use gets its own JIT-compiled copy
    /// of a generic method (ReadyToRun images hold none for the program's types), and this body is
    /// large; only the test above runs on every collective.
    /// </remarks>
    private void CheckConsistency(CallKind kind, int tag, long count, Type elementType, int root, string? op,
        ReadOnlySpan<int> vector, ReadOnlySpan<int> secondVector)
    {
        // Every rank sends the same length: a header and room for two vectors of one count per rank.
        byte[] mine = new byte[HeaderBytes + 8 * Size];
        var fingerprint = new CollectiveFingerprint(CallKinds.Name(kind), CallKinds.IsVector(kind) ? -1 : count, TypeNames.Of(elementType), root, op);
        Encode(FormatFingerprint(fingerprint), mine.AsSpan(0, FingerprintBytes));
        BinaryPrimitives.WriteInt64LittleEndian(mine.AsSpan(FingerprintBytes), count);
        WriteVector(mine, 0, vector);
        WriteVector(mine, 1, secondVector);
        byte[] verdictBuffer = new byte[VerdictBytes];
        if (Rank == 0)
        {
            var all = new byte[Size][];
            all[0] = mine;
            for (int r = 1; r < Size; r++)
            {
                all[r] = new byte[mine.Length];
                Collective.Receive<byte>(r, tag, all[r]);
            }
            string? verdict = Verdict(kind, tag, all);
            Encode(verdict ?? "", verdictBuffer);
            for (int r = 1; r < Size; r++)
                Collective.Send<byte>(r, tag, verdictBuffer);
            if (verdict is not null)
                throw new CollectiveMismatchException(verdict);
        }
        else
        {
            Collective.Send<byte>(0, tag, mine);
            Collective.Receive<byte>(0, tag, verdictBuffer);
            string verdict = Decode(verdictBuffer);
            if (verdict.Length > 0)
                throw new CollectiveMismatchException(verdict);
        }
    }

    /// <summary>Rank 0's judgement of every rank's call; null when they agree.</summary>
    private string? Verdict(CallKind kind, int tag, byte[][] all)
    {
        string members = RankRanges.Format(WorldRanks.ToArray());
        string key = CallTracker.KeyOf(this);
        var snapshots = new RankSnapshot[Size];
        for (int r = 0; r < Size; r++)
        {
            CollectiveFingerprint fingerprint = ParseFingerprint(Decode(all[r].AsSpan(0, FingerprintBytes)));
            snapshots[r] = new RankSnapshot(WorldRankOf(r), RankCondition.Answered,
                [new CallSnapshot(fingerprint.Kind, key, tag, fingerprint, 0)], [new CommunicatorSnapshot(key, Name, members, tag)], []);
        }
        IReadOnlyList<string> divergent = Divergence.Divergent(snapshots);
        if (divergent.Count > 0)
            return "collective mismatch (--check): " + divergent[0];
        string? vectors = VectorVerdict(kind, tag, all, snapshots[0].Calls[0].Collective!);
        return vectors is null ? null : "collective mismatch (--check): " + vectors;
    }

    /// <summary>The v-forms' counts, compared as MPI requires them to agree.</summary>
    private string? VectorVerdict(CallKind kind, int tag, byte[][] all, CollectiveFingerprint call)
    {
        string what = $"{call.Kind} #{tag.ToString(CultureInfo.InvariantCulture)} on {Name}";
        string type = call.Type;
        long Own(int r) => BinaryPrimitives.ReadInt64LittleEndian(all[r].AsSpan(FingerprintBytes));
        switch (kind)
        {
            case CallKind.Gatherv or CallKind.Scatterv:
            {
                int root = call.Root;
                int[] counts = ReadVector(all[root], 0);
                for (int r = 0; r < Size; r++)
                {
                    if (counts.Length == Size && counts[r] != Own(r))
                        return kind == CallKind.Gatherv
                            ? $"{what}: root {WorldRankOf(root)} expects {counts[r]} {type} from rank {WorldRankOf(r)}, which sends {Own(r)}"
                            : $"{what}: root {WorldRankOf(root)} sends {counts[r]} {type} to rank {WorldRankOf(r)}, which expects {Own(r)}";
                }
                return null;
            }
            case CallKind.Allgatherv or CallKind.ReduceScatter:
            {
                int[] first = ReadVector(all[0], 0);
                for (int r = 1; r < Size; r++)
                {
                    int[] theirs = ReadVector(all[r], 0);
                    if (!theirs.AsSpan().SequenceEqual(first))
                        return $"{what}: the counts must be the same on every rank, but rank {WorldRankOf(0)} passes [{string.Join(",", first)}] and rank {WorldRankOf(r)} passes [{string.Join(",", theirs)}]";
                }
                return null;
            }
            case CallKind.Alltoallv:
            {
                var sends = new int[Size][];
                var receives = new int[Size][];
                for (int r = 0; r < Size; r++)
                {
                    sends[r] = ReadVector(all[r], 0);
                    receives[r] = ReadVector(all[r], 1);
                }
                for (int s = 0; s < Size; s++)
                {
                    for (int d = 0; d < Size; d++)
                    {
                        if (sends[s][d] != receives[d][s])
                            return $"{what}: rank {WorldRankOf(s)} sends {sends[s][d]} {type} to rank {WorldRankOf(d)}, which expects {receives[d][s]} from it";
                    }
                }
                return null;
            }
            default:
                return null;
        }
    }

    private static string FormatFingerprint(CollectiveFingerprint f) =>
        string.Join('|', f.Kind, f.Count.ToString(CultureInfo.InvariantCulture), f.Type, f.Root.ToString(CultureInfo.InvariantCulture), f.Op ?? "");

    private static CollectiveFingerprint ParseFingerprint(string text)
    {
        string[] parts = text.Split('|');
        if (parts.Length != 5)
            return new CollectiveFingerprint(text, -1, "?");
        return new CollectiveFingerprint(parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture), parts[2],
            int.Parse(parts[3], CultureInfo.InvariantCulture), parts[4].Length == 0 ? null : parts[4]);
    }

    private void WriteVector(byte[] buffer, int which, ReadOnlySpan<int> vector)
    {
        Span<byte> length = buffer.AsSpan(FingerprintBytes + 8 + 4 * which, 4);
        if (vector.Length != Size)
        {
            BinaryPrimitives.WriteInt32LittleEndian(length, -1);
            return;
        }
        BinaryPrimitives.WriteInt32LittleEndian(length, Size);
        Span<byte> values = buffer.AsSpan(HeaderBytes + 4 * Size * which, 4 * Size);
        for (int i = 0; i < Size; i++)
            BinaryPrimitives.WriteInt32LittleEndian(values[(4 * i)..], vector[i]);
    }

    private int[] ReadVector(byte[] buffer, int which)
    {
        if (BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(FingerprintBytes + 8 + 4 * which)) != Size)
            return [];
        var vector = new int[Size];
        ReadOnlySpan<byte> values = buffer.AsSpan(HeaderBytes + 4 * Size * which, 4 * Size);
        for (int i = 0; i < Size; i++)
            vector[i] = BinaryPrimitives.ReadInt32LittleEndian(values[(4 * i)..]);
        return vector;
    }

    private static void Encode(string text, Span<byte> buffer)
    {
        buffer.Clear();
        // At most 3 bytes per char: this many always fit, with room for the terminating zero.
        int chars = (buffer.Length - 1) / 3;
        Encoding.UTF8.GetBytes(text.Length > chars ? text[..chars] : text, buffer);
    }

    private static string Decode(ReadOnlySpan<byte> buffer)
    {
        int end = buffer.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? buffer : buffer[..end]);
    }
}
