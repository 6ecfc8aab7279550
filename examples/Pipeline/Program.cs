// Pipeline: task parallelism. Items flow through three stages, each on its own rank:
//
//   rank 0: preprocess  ──►  ranks 1 … np−2: compute  ──►  rank np−1: postprocess
//
// Once the pipeline is full, all stages work at the same time on different items, so the
// throughput is set by the slowest stage rather than by the sum of all three. Two techniques:
//
// * Double buffering with non-blocking calls. A stage posts the Irecv for item k+1 before it
//   works on item k, and Isends its result instead of waiting for the next stage to take it;
//   two buffers per direction let the transfers run while the stage computes.
// * Replicating the bottleneck. Compute is the heaviest stage, so every rank between the first
//   and the last is a compute worker: with np = 4 there are two, and items are dealt out
//   round-robin (item i goes to worker i mod workers). The postprocess rank collects them in the
//   same order, so results come out in item order. np = 3 gives one worker; np < 3 is an error.
//
// Rank 0 then runs the same three stages alone, one item after the other, checks that every
// result is bit-identical, and prints the steady-state throughput of both (items per second once
// the pipeline is full). On a 2-core machine at most two stages really run at once, so the
// pipeline can at best double the serial rate there.
//
//   dotnet mpirun -np 4 examples/Pipeline [ITEMS]
using System.Globalization;
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
if (world.Size < 3)
{
    if (world.Rank == 0)
        Console.Error.WriteLine("pipeline: needs at least 3 ranks, one per stage (dotnet mpirun -np 4 examples/Pipeline)");
    return 2;
}
int items = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
const int ItemLength = 4096, ResultLength = 4, ToCompute = 1, ToPostprocess = 2, Results = 3;
int last = world.Size - 1, workers = world.Size - 2;
if (items < 2)
{
    if (world.Rank == 0)
        Console.Error.WriteLine("pipeline: needs at least 2 items");
    return 2;
}
int warmup = Math.Min(Math.Max(items / 10, workers), items - 1);   // items before the steady state

if (world.Rank == 0)
{
    // Stage 1: make and preprocess item i; send it to the worker that owns it.
    var send = new[] { new double[ItemLength], new double[ItemLength] };
    var sent = new Request?[2];
    for (int i = 0; i < items; i++)
    {
        int slot = i % 2;
        sent[slot]?.Wait();                                   // the send of item i−2 used this buffer
        Preprocess(i, send[slot]);
        sent[slot] = world.Isend(send[slot], dest: 1 + i % workers, ToCompute);
    }
    foreach (Request? request in sent)
        request?.Wait();
}
else if (world.Rank < last)
{
    // Stage 2, replicated: this worker's items are i = w, w + workers, w + 2·workers, …
    int worker = world.Rank - 1;
    int mine = (items - worker + workers - 1) / workers;
    var input = new[] { new double[ItemLength], new double[ItemLength] };
    var output = new[] { new double[ItemLength], new double[ItemLength] };
    var received = new Request?[2];
    var sent = new Request?[2];
    if (mine > 0)
        received[0] = world.Irecv(input[0], source: 0, ToCompute);
    for (int k = 0; k < mine; k++)
    {
        int slot = k % 2;
        received[slot]!.Wait();
        if (k + 1 < mine)                                     // prefetch the next item while computing
            received[1 - slot] = world.Irecv(input[1 - slot], source: 0, ToCompute);
        sent[slot]?.Wait();
        Compute(input[slot], output[slot]);
        sent[slot] = world.Isend(output[slot], last, ToPostprocess);
    }
    foreach (Request? request in sent)
        request?.Wait();
}
else
{
    // Stage 3: receive item i from its worker, reduce it to a few numbers, note when it finished.
    var input = new[] { new double[ItemLength], new double[ItemLength] };
    var received = new Request?[2];
    var results = new double[items * ResultLength];
    double steadyStart = 0, end = 0;
    received[0] = world.Irecv(input[0], source: 1, ToPostprocess);
    for (int i = 0; i < items; i++)
    {
        int slot = i % 2;
        received[slot]!.Wait();
        if (i + 1 < items)
            received[1 - slot] = world.Irecv(input[1 - slot], source: 1 + (i + 1) % workers, ToPostprocess);
        Postprocess(input[slot], results.AsSpan(i * ResultLength, ResultLength));
        end = Mpi.Wtime();
        if (i == warmup - 1)
            steadyStart = end;
    }
    world.Send(results, 0, Results);
    world.Send((items - warmup) / (end - steadyStart), 0, Results);
}

if (world.Rank == 0)
{
    double[] pipelined = world.ReceiveArray<double>(last, Results);
    double pipelinedRate = world.Receive<double>(last, Results);

    // The same work on one process, item after item.
    var item = new double[ItemLength];
    var computed = new double[ItemLength];
    var serial = new double[items * ResultLength];
    double serialStart = 0;
    for (int i = 0; i < items; i++)
    {
        if (i == warmup)
            serialStart = Mpi.Wtime();
        Preprocess(i, item);
        Compute(item, computed);
        Postprocess(computed, serial.AsSpan(i * ResultLength, ResultLength));
    }
    double serialRate = (items - warmup) / (Mpi.Wtime() - serialStart);

    bool same = pipelined.AsSpan().SequenceEqual(serial);
    string stages = workers == 1 ? "compute 1" : $"compute 1-{last - 1}";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"pipeline: {world.Size} ranks (preprocess 0, {stages}, postprocess {last}), {items} items, " +
        $"{pipelinedRate:F0} items/s pipelined vs {serialRate:F0} items/s serial ({pipelinedRate / serialRate:F2}x), " +
        $"outputs {(same ? "identical" : "DIFFERENT")}"));
    if (!same)
    {
        Console.Error.WriteLine("pipeline: the pipelined results differ from the serial ones");
        return 1;
    }
}
return 0;

// The stages cost about 1 : 2 : 1 (10, 20 and 10 rounds of a nonlinear map per element), so
// with two compute workers every stage keeps the same pace.

// Stage 1: a deterministic pseudo-random item, then a cheap transform of every element.
static void Preprocess(int index, double[] item)
{
    var random = new Random(index);
    for (int j = 0; j < item.Length; j++)
        item[j] = Map(random.NextDouble() * 2 - 1, rounds: 10);
}

// Stage 2, the heavy one.
static void Compute(double[] input, double[] output)
{
    for (int j = 0; j < input.Length; j++)
        output[j] = Map(input[j], rounds: 20);
}

// Stage 3: one more transform, then summary statistics of the item.
static void Postprocess(double[] item, Span<double> result)
{
    double sum = 0, sumOfSquares = 0, min = double.MaxValue, max = double.MinValue;
    foreach (double x in item)
    {
        double v = Map(x, rounds: 10);
        sum += v;
        sumOfSquares += v * v;
        min = Math.Min(min, v);
        max = Math.Max(max, v);
    }
    result[0] = sum;
    result[1] = Math.Sqrt(sumOfSquares);
    result[2] = min;
    result[3] = max;
}

static double Map(double v, int rounds)
{
    for (int round = 0; round < rounds; round++)
        v = Math.Sin(v * 1.3) + 0.1 * Math.Cos(v);
    return v;
}
