using Hpc.Tasks.Wire;

namespace Hpc.Tasks;

/// <summary>A chunk a worker holds: which job, which tasks, and what the job keeps for them (a Submit batch's entries).</summary>
internal readonly record struct InFlightChunk(PoolJob Job, long First, int Count, object? State);

/// <summary>
/// The client's view of one worker: the chunks it holds (answered in the order sent, since
/// messages of one tag do not overtake), a send buffer per chunk slot, and the functions it knows.
/// </summary>
internal sealed class WorkerLink
{
    private readonly InFlightChunk[] _ring;
    private readonly WireBuffer[] _buffers;
    private readonly List<OutOfLineBody>[] _bodies;
    private readonly HashSet<int> _defined = [];
    private int _head;

    public WorkerLink(int rank, int depth)
    {
        Rank = rank;
        _ring = new InFlightChunk[depth];
        _buffers = [.. Enumerable.Range(0, depth).Select(_ => new WireBuffer(4 << 10))];
        _bodies = [.. Enumerable.Range(0, depth).Select(_ => new List<OutOfLineBody>())];
    }

    public int Rank { get; }

    public int InFlight { get; private set; }

    public InFlightChunk Oldest => _ring[_head];

    public IEnumerable<InFlightChunk> InFlightChunks => Enumerable.Range(0, InFlight).Select(i => _ring[(_head + i) % _ring.Length]);

    public bool Holds(PoolJob job)
    {
        for (int i = 0; i < InFlight; i++)
        {
            if (ReferenceEquals(_ring[(_head + i) % _ring.Length].Job, job))
                return true;
        }
        return false;
    }

    /// <summary>Encodes and starts sending a chunk; its buffer is reused once the worker has answered it.</summary>
    public void SendChunk(Communicator comm, InFlightChunk chunk)
    {
        PoolJob job = chunk.Job;
        int slot = (_head + InFlight) % _ring.Length;
        WireBuffer buffer = _buffers[slot];
        List<OutOfLineBody> bodies = _bodies[slot];
        buffer.Reset();
        bodies.Clear();
        buffer.Write(new ChunkHeader { Kind = MessageKind.Chunk, Function = job.Function.Id, Job = job.Id, Count = chunk.Count, First = chunk.First });
        job.WriteArguments(chunk, buffer, bodies);
        if (_defined.Add(job.Function.Id))
        {
            byte[] definition = job.Function.Definition();
            var define = new byte[ChunkHeader.Size + definition.Length];
            MemoryMarshal.Write(define, new ChunkHeader { Kind = MessageKind.Define, Function = job.Function.Id });
            definition.CopyTo(define.AsSpan(ChunkHeader.Size));
            comm.Isend(define, Rank, PoolTags.Task);
        }
        comm.Isend(buffer.WrittenMemory, Rank, PoolTags.Task);
        foreach (OutOfLineBody body in bodies)
            body.Isend(comm, Rank, PoolTags.Body);
        _ring[slot] = chunk;
        InFlight++;
    }

    public void PopOldest()
    {
        _ring[_head] = default;
        _head = (_head + 1) % _ring.Length;
        InFlight--;
    }
}
