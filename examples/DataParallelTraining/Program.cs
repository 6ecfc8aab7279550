// DataParallelTraining: synchronous data-parallel SGD, the pattern behind distributed deep
// learning (PyTorch DDP, Horovod). The model is logistic regression; the data is synthetic,
// generated from a fixed seed, and every rank trains on its own shard of it. Each step:
//
//   1. every rank computes the gradient of the loss on its slice of the global mini-batch;
//   2. one Allreduce sums the gradients (and the loss, and the sample count) over all ranks;
//   3. every rank divides by the count and applies the same update to its copy of the weights.
//
// Because Allreduce gives every rank bit-identical sums, the replicas never drift apart: the
// program checks at the end that the weights are identical, byte for byte, on every rank (by
// gathering a hash of the weight bytes). --algorithm picks the allreduce algorithm for every call
// (ring, tree, recursive_doubling, rabenseifner; default auto).
//
//   dotnet mpirun -np 4 examples/DataParallelTraining [--algorithm ring|tree] [--steps N]
using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
AllreduceAlgorithm algorithm = AllreduceAlgorithm.Auto;
int steps = 300;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    try
    {
        if (args[i] == "--algorithm")
            algorithm = AlgorithmNames.Parse<AllreduceAlgorithm>(args[i + 1]);   // "ring" -> AllreduceAlgorithm.Ring
        else if (args[i] == "--steps")
            steps = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    }
    catch (Exception e) when (e is ArgumentException or FormatException)
    {
        if (world.Rank == 0)
            Console.Error.WriteLine($"training: {args[i]} {args[i + 1]}: {e.Message}");
        return 2;
    }
}

const int Features = 32, Samples = 32_768, GlobalBatch = 512, PrintEvery = 50;
const double LearningRate = 0.5;

// The data set: every rank generates the same one from the same seed and keeps its shard.
var data = new Random(Seed: 42);
var trueWeights = new double[Features + 1];                  // the last weight is the bias
for (int j = 0; j <= Features; j++)
    trueWeights[j] = 2 * data.NextDouble() - 1;
var x = new double[Samples, Features];
var y = new double[Samples];
for (int i = 0; i < Samples; i++)
{
    double z = trueWeights[Features];
    for (int j = 0; j < Features; j++)
    {
        x[i, j] = 2 * data.NextDouble() - 1;
        z += trueWeights[j] * x[i, j];
    }
    y[i] = data.NextDouble() < Sigmoid(3 * z) ? 1 : 0;       // noisy labels: the loss cannot reach 0
}
int shardStart = (int)((long)Samples * world.Rank / world.Size);
int shardEnd = (int)((long)Samples * (world.Rank + 1) / world.Size);
int localBatch = GlobalBatch / world.Size + (world.Rank < GlobalBatch % world.Size ? 1 : 0);

var weights = new double[Features + 1];                       // the model, replicated on every rank
var message = new double[Features + 3];                       // gradient, then loss sum, then count
int next = shardStart;
double firstLoss = 0, lastLoss = 0, windowLoss = 0;
if (world.Rank == 0)
    Console.WriteLine($"training: logistic regression, {Features} features, {Samples} samples, batch {GlobalBatch}, " +
        $"allreduce {AlgorithmNames.Of(world.SelectAllreduceAlgorithm<double>(message.Length, ReduceOp.Sum, algorithm))}");

world.Barrier();
var clock = Stopwatch.StartNew();
for (int step = 0; step < steps; step++)
{
    // 1. Local gradient of the cross-entropy loss over this rank's slice of the batch.
    Array.Clear(message);
    for (int b = 0; b < localBatch; b++)
    {
        int i = next;
        next = next + 1 == shardEnd ? shardStart : next + 1;  // walk round the shard
        double z = weights[Features];
        for (int j = 0; j < Features; j++)
            z += weights[j] * x[i, j];
        double p = Sigmoid(z);
        double error = p - y[i];
        for (int j = 0; j < Features; j++)
            message[j] += error * x[i, j];
        message[Features] += error;
        message[Features + 1] -= y[i] == 1 ? Math.Log(p + 1e-12) : Math.Log(1 - p + 1e-12);
        message[Features + 2] += 1;
    }

    // 2. Sum over all ranks: afterwards every rank holds the same global sums.
    world.Allreduce(message, ReduceOp.Sum, algorithm);

    // 3. The same update on every rank.
    double count = message[Features + 2];
    for (int j = 0; j <= Features; j++)
        weights[j] -= LearningRate * message[j] / count;
    double loss = message[Features + 1] / count;              // this step's mini-batch loss
    if (step == 0)
        firstLoss = loss;
    windowLoss += loss;                                       // printed as a mean over PrintEvery steps
    if (step % PrintEvery == PrintEvery - 1 || step == steps - 1)
    {
        lastLoss = windowLoss / (step % PrintEvery + 1);
        windowLoss = 0;
        if (world.Rank == 0)
            Console.WriteLine($"  steps {step - step % PrintEvery,4}-{step,-4} mean loss {lastLoss.ToString("F4", CultureInfo.InvariantCulture)}");
    }
}
double seconds = clock.Elapsed.TotalSeconds;

// Are the replicas identical? Every rank hashes its weight bytes; all hashes must be equal.
ulong[] hashes = world.Allgather(XxHash3.HashToUInt64(MemoryMarshal.AsBytes(weights.AsSpan())));
bool identical = hashes.All(h => h == hashes[0]);
bool learned = lastLoss < 0.8 * firstLoss;
if (world.Rank == 0)
{
    double samplesPerSecond = (double)steps * GlobalBatch / seconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"training: {world.Size} ranks, loss {firstLoss:F4} -> {lastLoss:F4}, " +
        $"weights {(identical ? "identical" : "DIFFERENT")} on all ranks, {samplesPerSecond:F0} samples/s"));
}
// Every rank reaches the same verdict (all hold the same hashes and losses); rank 0 explains it.
if (!identical || !learned)
{
    if (world.Rank == 0)
        Console.Error.WriteLine(!identical
            ? $"training: the replicas drifted apart; weight hashes by rank: {string.Join(' ', hashes.Select(h => h.ToString("x16")))}"
            : $"training: the loss did not fall below 80% of its start ({firstLoss:F4} -> {lastLoss:F4})");
    return 1;
}
return 0;

static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
