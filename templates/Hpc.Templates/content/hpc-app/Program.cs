// An Hpc program: every rank contributes a vector, Allreduce leaves the element-wise sum on every
// rank, and each rank checks it. Run 4 ranks with:
//
//   dotnet mpirun -np 4 .
//
// Started alone (dotnet run) it is rank 0 of a world of size 1.
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;

// Rank r contributes r + 1 in every element, so every element of the sum is 1 + 2 + ... + size.
double[] values = new double[1024];
Array.Fill(values, world.Rank + 1);
world.Allreduce(values, ReduceOp.Sum);

double expected = world.Size * (world.Size + 1) / 2.0;
int wrong = values.Count(v => v != expected);
if (wrong != 0)
    Console.Error.WriteLine($"rank {world.Rank}: {wrong} of {values.Length} elements differ from {expected}");

// One more Allreduce tells every rank whether all of them got the right answer.
int ranksWrong = world.Allreduce(wrong == 0 ? 0 : 1, ReduceOp.Sum);
if (world.Rank == 0)
{
    Console.WriteLine(ranksWrong == 0
        ? $"Allreduce over {world.Size} ranks: every element is {expected} on every rank"
        : $"Allreduce over {world.Size} ranks: {ranksWrong} ranks got a wrong sum");
}
return ranksWrong == 0 ? 0 : 1;
