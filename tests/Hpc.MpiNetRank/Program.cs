// Exercises the MPI.NET compatibility layer the way an MPI.NET program does. Every check throws
// on a mismatch (inside Environment.Run that prints the exception and aborts the job with code 1);
// rank 0 prints "mpinet <area> ok: N ranks" for every area that passed on all ranks.
//
//   dotnet mpirun -np 8 Hpc.MpiNetRank.dll          all areas
//   dotnet mpirun -np 2 Hpc.MpiNetRank.dll abort    rank 1 calls Environment.Abort(3)
//   dotnet mpirun -np 2 Hpc.MpiNetRank.dll throw    rank 1 throws inside Environment.Run
//   dotnet mpirun -np 2 Hpc.MpiNetRank.dll disposal the first Dispose finalizes, a later Environment throws
using System;
using MPI;
using MpiNetRank;

string mode = args.Length > 0 ? args[0] : "all";
int worldRank = -1, worldSize = 0;

if (mode == "disposal")
    return DisposalChecks.Run(args);

Check.True(!MPI.Environment.Initialized, "Initialized before the first environment");
MPI.Environment.Run(ref args, world =>
{
    worldRank = world.Rank;
    worldSize = world.Size;
    if (mode == "abort")
    {
        if (world.Rank == 1)
        {
            Console.Error.WriteLine("rank 1: calling MPI.Environment.Abort(3)");
            MPI.Environment.Abort(3);
        }
        world.Barrier(); // never completes: the job ends first
        return;
    }
    if (mode == "throw")
    {
        if (world.Rank == 1)
            throw new InvalidOperationException("deliberate failure inside Environment.Run");
        world.Barrier();
        return;
    }

    Areas.Run("environment", world, EnvironmentChecks.Run);
    Areas.Run("operations", world, OperationChecks.Run);
    Areas.Run("point-to-point", world, PointToPointChecks.Run);
    Areas.Run("serialized point-to-point", world, SerializedPointToPointChecks.Run);
    Areas.Run("non-blocking", world, NonBlockingChecks.Run);
    Areas.Run("communicators and groups", world, CommunicatorChecks.Run);
    Areas.Run("collectives", world, CollectiveChecks.Run);
    Areas.Run("reductions", world, ReductionChecks.Run);
    Areas.Run("serialized collectives", world, SerializedCollectiveChecks.Run);
    Areas.Run("serializer errors", world, SerializerErrorChecks.Run);
    Areas.Run("topologies", world, TopologyChecks.Run);
    Areas.Run("attributes", world, AttributeChecks.Run);
    Areas.Run("unsafe", world, UnsafeChecks.Run);
});

Check.True(MPI.Environment.Finalized, "Finalized after Environment.Run");
Check.True(MPI.Environment.Initialized, "Initialized stays true after finalization");
bool reinitRejected = false;
try
{
    using var again = new MPI.Environment(ref args);
}
catch (ObjectDisposedException)
{
    reinitRejected = true;
}
Check.True(reinitRejected, "a second initialization after finalization is rejected");
if (worldRank == 0)
    Console.WriteLine($"mpinet finalize ok: {worldSize} ranks");
return 0;
