using Hpc;

/// <summary>
/// Communicator.Spawn through the real launcher: the parents start 3 children of this same
/// program ("spawn-child"), and both sides check point-to-point and the intercommunicator
/// collectives across the groups, then Merge. "fail" makes child 1 throw once connected.
/// </summary>
internal static class SpawnScenarios
{
    private const int Children = 3;
    private const int Large = 200_000; // doubles: 1.6 MB, a rendezvous message over TCP

    public static void Parents(Communicator world, string mode)
    {
        string self = typeof(SpawnScenarios).Assembly.Location;
        using Intercommunicator children = world.Spawn(self, ["spawn-child", mode], Children, root: 0);
        Check(children.Size == world.Size && children.RemoteSize == Children && children.Rank == world.Rank,
            $"intercommunicator of {children.Size} with {children.RemoteSize} remote");
        Check(Mpi.Parent is null, "a world mpirun started has no parent");

        // Point-to-point both ways: every parent to every child, every child to every parent.
        for (int c = 0; c < Children; c++)
            children.Send(100 * world.Rank + c, c, tag: 5);
        for (int c = 0; c < Children; c++)
        {
            int value = children.Receive<int>(c, tag: 6);
            Check(value == 1000 * c + world.Rank, $"parent {world.Rank} got {value} from child {c}");
        }
        if (world.Rank == 0)
        {
            double[] big = [.. Enumerable.Range(0, Large).Select(i => i * 0.5)];
            children.Send<double>(big, 0, tag: 7);
        }

        children.Barrier();
        // Each group receives the other group's reduction.
        int fromChildren = children.Allreduce(world.Rank == 0 ? 10 : 0, ReduceOp.Sum);
        Check(fromChildren == Children * (Children + 1) / 2, $"allreduce over the children gave {fromChildren}");
        int[] broadcast = [7, 8, 9];
        children.Broadcast<int>(broadcast, world.Rank == 0 ? Intercommunicator.Root : Communicator.ProcNull);

        using Communicator merged = children.Merge(high: false);
        Check(merged.Size == world.Size + Children && merged.Rank == world.Rank, $"merged rank {merged.Rank} of {merged.Size}");
        long sum = merged.Allreduce((long)merged.Rank, ReduceOp.Sum);
        Check(sum == (long)merged.Size * (merged.Size - 1) / 2, $"merged allreduce {sum}");
        int fromLast = merged.Broadcast(merged.Rank == merged.Size - 1 ? 42 : 0, merged.Size - 1);
        Check(fromLast == 42, $"merged broadcast {fromLast}");
        if (world.Rank == 0)
            Console.WriteLine($"spawn ok: {world.Size} parents, {Children} children");
    }

    public static void Child(MpiSession mpi, string mode)
    {
        Communicator world = mpi.World;
        Intercommunicator parents = mpi.Parent ?? throw new InvalidOperationException("a spawned world has no parent");
        Check(ReferenceEquals(Mpi.Parent, parents) && ReferenceEquals(Communicator.Parent, parents), "Mpi.Parent is the session's");
        Check(world.Size == Children && parents.Size == Children && parents.Rank == world.Rank, $"child world of {world.Size}");
        if (mode == "fail" && world.Rank == 1)
            throw new InvalidOperationException("child 1 fails on purpose");
        int parentCount = parents.RemoteSize;

        for (int p = 0; p < parentCount; p++)
        {
            int value = parents.Receive<int>(p, tag: 5);
            Check(value == 100 * p + world.Rank, $"child {world.Rank} got {value} from parent {p}");
        }
        for (int p = 0; p < parentCount; p++)
            parents.Send(1000 * world.Rank + p, p, tag: 6);
        if (world.Rank == 0)
        {
            var big = new double[Large];
            parents.Receive<double>(big, 0, tag: 7);
            for (int i = 0; i < Large; i += 997)
                Check(big[i] == i * 0.5, $"large message element {i} = {big[i]}");
        }

        parents.Barrier();
        int fromParents = parents.Allreduce(world.Rank + 1, ReduceOp.Sum);
        Check(fromParents == 10, $"allreduce over the parents gave {fromParents}");
        int[] broadcast = new int[3];
        parents.Broadcast<int>(broadcast, 0);
        Check(broadcast.SequenceEqual([7, 8, 9]), $"broadcast [{string.Join(',', broadcast)}]");

        using Communicator merged = parents.Merge(high: true);
        Check(merged.Size == parentCount + Children && merged.Rank == parentCount + world.Rank, $"merged rank {merged.Rank} of {merged.Size}");
        long sum = merged.Allreduce((long)merged.Rank, ReduceOp.Sum);
        Check(sum == (long)merged.Size * (merged.Size - 1) / 2, $"merged allreduce {sum}");
        int fromLast = merged.Broadcast(merged.Rank == merged.Size - 1 ? 42 : 0, merged.Size - 1);
        Check(fromLast == 42, $"merged broadcast {fromLast}");
        Console.WriteLine($"child {world.Rank} of {world.Size} ok: {parentCount} parents");
    }

    /// <summary>A program that does not exist: Spawn throws on every parent, and the job goes on.</summary>
    public static void Missing(Communicator world)
    {
        try
        {
            world.Spawn("/nonexistent/program.dll", [], 2, root: world.Size - 1);
            throw new InvalidOperationException("Spawn of a missing program returned");
        }
        catch (HpcException e)
        {
            Console.WriteLine($"rank {world.Rank}: spawn refused: {e.Message}");
        }
        world.Barrier();
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
            throw new InvalidOperationException("check failed: " + what);
    }
}
