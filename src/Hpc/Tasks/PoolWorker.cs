using Hpc.Tasks.Wire;

namespace Hpc.Tasks;

/// <summary>
/// The serve loop of a worker rank: receive a chunk, run its tasks, send the results back, until
/// the client says Shutdown. One thread, two reusable buffers: a chunk of unmanaged arguments
/// and results costs no allocation here.
/// </summary>
internal sealed class PoolWorker : IBodySource
{
    private readonly Communicator _comm;
    private readonly int _client;
    private readonly WireBuffer _input = new(64 << 10);
    private readonly WireBuffer _output = new(64 << 10);
    private readonly List<OutOfLineBody> _bodies = [];
    private readonly Dictionary<int, WorkerFunction> _functions = [];
    private readonly HashSet<int> _cancelledJobs = [];
    private readonly int[] _control = new int[2];
    private readonly CancellationTokenSource _stop = new();
    // Starts as a never-completing task; the first post replaces it.
    private Task<Status> _controlReceive = new TaskCompletionSource<Status>().Task;

    private PoolWorker(Communicator communicator, int client)
    {
        _comm = communicator;
        _client = client;
    }

    public int Rank => _comm.Rank;

    public static void Serve(Communicator communicator, int client) => new PoolWorker(communicator, client).Run();

    private void Run()
    {
        PostControlReceive();
        try
        {
            while (true)
            {
                Status status = _comm.Probe(_client, PoolTags.Task);
                Span<byte> message = _input.Prepare(checked((int)status.ByteCount));
                _comm.Receive(message, _client, PoolTags.Task);
                ChunkHeader header = MemoryMarshal.Read<ChunkHeader>(message);
                ReadOnlySpan<byte> payload = message[ChunkHeader.Size..];
                switch (header.Kind)
                {
                    case MessageKind.Define:
                        _functions[header.Function] = WorkerFunction.Create(payload, Rank);
                        break;
                    case MessageKind.Chunk:
                        RunChunk(header, payload);
                        break;
                    case MessageKind.Shutdown:
                        var bye = new ResultHeader { Kind = MessageKind.Bye };
                        _comm.Send(MemoryMarshal.AsBytes(new ReadOnlySpan<ResultHeader>(in bye)), _client, PoolTags.Result);
                        return;
                    default:
                        throw new HpcException($"task pool worker rank {Rank}: unknown message kind {(int)header.Kind} from the client");
                }
            }
        }
        finally
        {
            _stop.Cancel();
            try
            {
                _controlReceive.Wait();
            }
            catch (AggregateException)
            {
                // The withdrawn control receive ends cancelled; nothing to report.
            }
        }
    }

    private void RunChunk(in ChunkHeader header, ReadOnlySpan<byte> payload)
    {
        if (!_functions.TryGetValue(header.Function, out WorkerFunction? function))
            throw new HpcException($"task pool worker rank {Rank}: chunk for function {header.Function}, which was never defined");
        _output.Reset();
        _output.Write(default(ResultHeader));
        _bodies.Clear();
        var reader = new WireReader(payload);
        (bool cancelled, int errors) = function.Run(this, header, ref reader, _output, _bodies);
        if (cancelled)
        {
            _output.Reset();
            _output.Write(default(ResultHeader));
            _bodies.Clear();
        }
        _output.WriteAt(0, new ResultHeader
        {
            Kind = cancelled ? MessageKind.Cancelled : MessageKind.Results,
            Job = header.Job,
            First = header.First,
            Count = header.Count,
            Errors = cancelled ? 0 : errors,
        });
        _comm.Send(_output.Written, _client, PoolTags.Result);
        foreach (OutOfLineBody body in _bodies)
            body.Send(_comm, _client, PoolTags.ResultBody);
        _bodies.Clear();
    }

    /// <summary>True when the client has cancelled <paramref name="job"/>; cheap enough to ask before every task.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsCancelled(int job)
    {
        if (_controlReceive.IsCompleted)
            DrainControl();
        return _cancelledJobs.Count > 0 && _cancelledJobs.Contains(job);
    }

    private void DrainControl()
    {
        while (_controlReceive.IsCompleted && !_stop.IsCancellationRequested)
        {
            if (_controlReceive.IsCompletedSuccessfully && _control[0] == (int)MessageKind.Cancel)
                _cancelledJobs.Add(_control[1]);
            PostControlReceive();
        }
    }

    private void PostControlReceive()
    {
        _control[0] = 0;
        _controlReceive = _comm.ReceiveAsync(_control.AsMemory(), _client, PoolTags.Control, _stop.Token);
    }

    /// <summary>The body of an out-of-line argument, from the client, in entry order.</summary>
    public void Receive(Span<byte> into) => _comm.Receive(into, _client, PoolTags.Body);

    /// <summary>An error entry: the task's offset in its chunk, then the exception's type, message and stack text.</summary>
    public static void WriteError(WireBuffer output, int offset, Exception error)
    {
        output.Write(offset);
        WriteString(output, error.GetType().FullName ?? error.GetType().Name);
        WriteString(output, error.Message);
        WriteString(output, error.StackTrace ?? "");
    }

    private static void WriteString(WireBuffer output, string text)
    {
        output.Write(Encoding.UTF8.GetByteCount(text));
        output.Advance(Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length))));
    }
}

/// <summary>A defined function on a worker: decodes a chunk's arguments, runs it, encodes the results.</summary>
internal abstract class WorkerFunction
{
    public abstract (bool Cancelled, int Errors) Run(PoolWorker worker, in ChunkHeader header, ref WireReader reader, WireBuffer output, List<OutOfLineBody> bodies);

    public static WorkerFunction Create(ReadOnlySpan<byte> definition, int rank)
    {
        (System.Reflection.MethodInfo method, object? target) = TaskFunction.Resolve(definition, rank);
        Type argument = TaskShapes.ArgumentType(method);
        Delegate unary = TaskShapes.AsUnary(method, target);
        return (WorkerFunction)Activator.CreateInstance(typeof(WorkerFunction<,>).MakeGenericType(argument, method.ReturnType), unary)!;
    }
}

internal sealed class WorkerFunction<TArg, TResult>(Func<TArg, TResult> function) : WorkerFunction
{
    private static readonly TaskCodec<TArg> Arguments = TaskCodec<TArg>.Instance;
    private static readonly TaskCodec<TResult> Results = TaskCodec<TResult>.Instance;

    // Reused from chunk to chunk, so decoding arguments that are not raw bytes allocates only the values.
    private TArg[] _arguments = [];
    private TResult[] _results = [];

    public override (bool Cancelled, int Errors) Run(PoolWorker worker, in ChunkHeader header, ref WireReader reader, WireBuffer output,
        List<OutOfLineBody> bodies)
    {
        int count = header.Count;
        int job = header.Job;
        ReadOnlySpan<TArg> args;
        if (Arguments.IsFixed)
        {
            args = RawBytes.As<TArg>(reader.ReadBytes(count * Unsafe.SizeOf<TArg>()));
        }
        else
        {
            // Every entry is read, bodies included, even when the job turns out cancelled.
            if (_arguments.Length < count)
                _arguments = new TArg[count];
            for (int i = 0; i < count; i++)
                _arguments[i] = Arguments.Read(ref reader, worker);
            args = _arguments.AsSpan(0, count);
        }
        List<(int Offset, Exception Error)>? errors = null;
        bool cancelled = false;
        if (Results.IsFixed)
        {
            int bytes = count * Unsafe.SizeOf<TResult>();
            Span<TResult> results = RawBytes.As<TResult>(output.GetSpan(bytes)[..bytes]);
            cancelled = Apply(worker, job, args, results, ref errors);
            output.Advance(bytes);
        }
        else
        {
            if (_results.Length < count)
                _results = new TResult[count];
            var failed = new bool[count];
            cancelled = Apply(worker, job, args, _results.AsSpan(0, count), ref errors);
            if (errors is not null)
            {
                foreach ((int offset, _) in errors)
                    failed[offset] = true;
            }
            for (int i = 0; i < count && !cancelled; i++)
            {
                if (failed[i])
                {
                    Results.WriteMissing(output);
                    continue;
                }
                try
                {
                    Results.Write(_results[i], output, bodies);
                }
                catch (NotSupportedException e)
                {
                    Results.WriteMissing(output);
                    (errors ??= []).Add((i, e));
                }
            }
            if (RuntimeHelpers.IsReferenceOrContainsReferences<TResult>())
                Array.Clear(_results, 0, count);
        }
        if (RuntimeHelpers.IsReferenceOrContainsReferences<TArg>())
            Array.Clear(_arguments, 0, Math.Min(count, _arguments.Length));
        if (errors is not null && !cancelled)
        {
            foreach ((int offset, Exception error) in errors)
                PoolWorker.WriteError(output, offset, error);
        }
        return (cancelled, errors?.Count ?? 0);
    }

    // Runs the function on each argument in order, into results; stops early (returning true) once
    // the job is cancelled. A task that throws gets the default result and an entry in errors.
    private bool Apply(PoolWorker worker, int job, ReadOnlySpan<TArg> args, Span<TResult> results, ref List<(int Offset, Exception Error)>? errors)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (worker.IsCancelled(job))
                return true;
            try
            {
                results[i] = function(args[i]);
            }
            catch (Exception e)
            {
                results[i] = default!;
                (errors ??= []).Add((i, e));
            }
        }
        return false;
    }
}
