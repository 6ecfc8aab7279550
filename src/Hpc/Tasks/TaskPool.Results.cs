using Hpc.Tasks.Wire;

namespace Hpc.Tasks;

// The client's receiving thread and what happens when the pool cannot go on.
public sealed partial class TaskPool
{
    /// <summary>The client's receiving thread: one Results message at a time, from whichever worker.</summary>
    private void ReceiveResults()
    {
        var buffer = new WireBuffer(64 << 10);
        var bodies = new ResultBodies(_comm);
        int byes = 0;
        try
        {
            while (byes < _workers.Length)
            {
                Status status = _comm.Probe(Communicator.AnySource, PoolTags.Result);
                Span<byte> message = buffer.Prepare(checked((int)status.ByteCount));
                _comm.Receive(message, status.Source, PoolTags.Result);
                ResultHeader header = MemoryMarshal.Read<ResultHeader>(message);
                if (header.Kind == MessageKind.Bye)
                {
                    byes++;
                    continue;
                }
                WorkerLink worker = WorkerAt(status.Source);
                InFlightChunk chunk;
                lock (_gate)
                    chunk = worker.Oldest;
                if (chunk.Job.Id != header.Job || chunk.First != header.First)
                    throw new HpcException($"task pool: rank {status.Source} answered job {header.Job} tasks from {header.First}, expected job {chunk.Job.Id} from {chunk.First}");
                bodies.Source = status.Source;
                var reader = new WireReader(buffer.Written[ResultHeader.Size..]);
                chunk.Job.ReadResults(chunk, header, ref reader, bodies, status.Source);
                lock (_gate)
                {
                    worker.PopOldest();
                    _inFlight--;
                    Dispatch();
                    Monitor.PulseAll(_gate);
                }
            }
        }
        catch (Exception e)
        {
            Break(e);
        }
    }

    private WorkerLink WorkerAt(int rank) => _workers[rank < _comm.Rank ? rank : rank - 1];

    /// <summary>The pool cannot go on (a worker was lost, the job is going down): every call still open fails, naming the ranks that held its tasks.</summary>
    private void Break(Exception error)
    {
        lock (_gate)
        {
            _broken = error;
            foreach (WorkerLink worker in _workers)
            {
                foreach (InFlightChunk chunk in worker.InFlightChunks)
                {
                    chunk.Job.FailChunk(chunk, new TaskPoolException(
                        $"task pool: worker rank {worker.Rank} was lost while it held tasks {chunk.First}…{chunk.First + chunk.Count - 1} of a {chunk.Job.Function.Method.Name} call: {error.Message}", error));
                }
            }
            foreach (PoolJob job in _pending.Concat(_streams.Values).Distinct())
                job.Fail(new TaskPoolException($"task pool: the pool broke before these tasks started: {error.Message}", error));
            _pending.Clear();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Out-of-line result bodies come from the worker whose Results message is being read.</summary>
    private sealed class ResultBodies(Communicator communicator) : IBodySource
    {
        public int Source { get; set; }

        public void Receive(Span<byte> into) => communicator.Receive(into, Source, PoolTags.ResultBody);
    }
}
