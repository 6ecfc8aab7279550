// Allreduce: the collective of data-parallel training. Every rank contributes a value (here
// rank + 1) and every rank gets the total back; then a gradient-sized float vector is summed
// the same way, and the ranks compare hashes of their results to show they hold the same
// bits — which is what keeps model replicas from drifting apart. Pick the algorithm with
// --algorithm, with mpirun --coll allreduce=NAME, or let the runtime choose by size.
//
//   dotnet mpirun -np 8 examples/Allreduce -- --algorithm ring
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Hpc;

AllreduceAlgorithm requested = AllreduceAlgorithm.Auto;
if (args.Length == 2 && args[0] == "--algorithm")
{
    try
    {
        requested = AlgorithmNames.Parse<AllreduceAlgorithm>(args[1]);
    }
    catch (FormatException e)
    {
        Console.Error.WriteLine($"allreduce: {e.Message}");
        return 2;
    }
}
else if (args.Length != 0)
{
    Console.Error.WriteLine($"usage: Allreduce [--algorithm {string.Join('|', AlgorithmNames.ValidNames<AllreduceAlgorithm>())}]");
    return 2;
}

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;

int sum = world.Allreduce(world.Rank + 1, ReduceOp.Sum, requested);
int expected = world.Size * (world.Size + 1) / 2;
if (sum != expected)
{
    Console.Error.WriteLine($"allreduce: rank {world.Rank} got sum {sum}, expected {expected}");
    return 1;
}
string used = AlgorithmNames.Of(world.SelectAllreduceAlgorithm<int>(1, ReduceOp.Sum, requested));
if (world.Rank == 0)
    Console.WriteLine($"allreduce: {world.Size} ranks, sum = {sum} (algorithm: {used})");

// A million floats of mixed magnitude: the sum depends on the order of additions, so only
// an algorithm that reduces each element once, in one fixed order, gives every rank the same bits.
var random = new Random(world.Rank);
float[] gradients = new float[1 << 20];
for (int i = 0; i < gradients.Length; i++)
    gradients[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4)));
world.Allreduce(gradients, ReduceOp.Sum, requested);

// XxHash3 over the result's bytes: ranks whose results differ in any bit get different hashes
// (but for a chance of 1 in 2^64).
ulong hash = XxHash3.HashToUInt64(MemoryMarshal.AsBytes(gradients.AsSpan()));
ulong[] hashes = world.Allgather(hash);
if (hashes.Any(h => h != hash))
{
    Console.Error.WriteLine($"allreduce: rank {world.Rank}: float results differ between ranks (hashes {string.Join(", ", hashes.Select(h => h.ToString("x16")))})");
    return 1;
}
if (world.Rank == 0)
{
    string vectorAlgorithm = AlgorithmNames.Of(world.SelectAllreduceAlgorithm<float>(gradients.Length, ReduceOp.Sum, requested));
    Console.WriteLine($"allreduce: {gradients.Length} floats bit-identical on all ranks (algorithm: {vectorAlgorithm}, hash {hash:x16})");
}
return 0;
