// Start-up benchmark program: Mpi.Init, one 4-byte Allreduce, Finalize (what bench/startup/hello.c
// does in C); rank 0 prints the sum.
using Hpc;

using MpiSession mpi = Mpi.Init();
int sum = mpi.World.Allreduce(1, ReduceOp.Sum);
if (mpi.World.Rank == 0)
    Console.WriteLine($"hello from {sum} ranks");
return sum == mpi.World.Size ? 0 : 1;
