namespace Hpc.Tasks.Wire;

// The pool's messages. They travel on the pool's own duplicate of the user's communicator, so
// the tags below can never match a user's receive (not even an AnyTag one).
//
//   client -> worker, TaskTag:   Define (function id -> assembly, module, metadata token),
//                                Chunk (header + the encoded arguments of Count tasks),
//                                Shutdown (the last message; answered with Bye)
//   client -> worker, BodyTag:   the bytes of large array arguments, in the order of the chunk's
//                                entries, sent straight from the caller's arrays (no copy)
//   client -> worker, ControlTag: Cancel(job): skip what is left of that job
//   worker -> client, ResultTag: Results (header + encoded results + errors) | Cancelled | Bye
//   worker -> client, ResultBodyTag: large array results, straight from the returned arrays
//
// Messages of one tag between two ranks do not overtake each other, so a worker sees a Define
// before the first Chunk that uses it, and the bodies of a chunk in the order of its entries.
internal static class PoolTags
{
    public const int Task = 1;
    public const int Body = 2;
    public const int Control = 3;
    public const int Result = 4;
    public const int ResultBody = 5;
}

internal enum MessageKind
{
    Define = 1,
    Chunk = 2,
    Shutdown = 3,
    Results = 4,
    Cancelled = 5,
    Bye = 6,
    Cancel = 7,
}

/// <summary>Starts every client-to-worker message on <see cref="PoolTags.Task"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ChunkHeader
{
    public MessageKind Kind;
    public int Function;
    public int Job;
    public int Count;
    public long First;

    public static readonly int Size = Marshal.SizeOf<ChunkHeader>();
}

/// <summary>Starts every worker-to-client message on <see cref="PoolTags.Result"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ResultHeader
{
    public MessageKind Kind;
    public int Job;
    public long First;
    public int Count;
    public int Errors;

    public static readonly int Size = Marshal.SizeOf<ResultHeader>();
}
