using Hpc;

/// <summary>
/// Communicator.Spawn through the real launcher: the parents start 3 children of this same
/// program ("spawn-child"), and both sides check point-to-point and the intercommunicator
/// collectives across the groups, then Merge; each child reports the host it ran on. "fail"
/// makes child 1 throw once connected; "host=a,b" asks for those hosts (SpawnOptions.Hosts).
/// </summary>
internal static class SpawnScenarios
{
    private const int Children = 3;
    private const int Large = 200_000; // doubles: 1.6 MB, a rendezvous message over TCP

    public static void Parents(Communicator world, string mode)
    {
        string self = typeof(SpawnScenarios).Assembly.Location;
        // "host=a,b": MPI's host info key (the children ignore the mode).
        SpawnOptions? options = mode.StartsWith("host=", StringComparison.Ordinal) ? new SpawnOptions { Hosts = mode[5..].Split(',') } : null;
        using Intercommunicator children = world.Spawn(self, ["spawn-child", mode], Children, root: 0, options);
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
        if (mode == "abort" && world.Rank == 2)
            world.Abort(3, "child 2 gives up");
        if (mode == "hang" && world.Rank == 0)
            world.Receive<int>(1, tag: 99); // never sent: the job's --timeout reports it
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
        // Where it ran, for the multi-host tests: the machine's name (each namespace host has its
        // own), the address its daemon bound it to (mpirun's host: the job's address, or none), and
        // the host mpirun placed it on (HPC_HOST_NAME, from the host list; none without one).
        Console.WriteLine($"child {world.Rank} of {world.Size} ok: {parentCount} parents on {Environment.MachineName} ({Environment.GetEnvironmentVariable("HPC_BIND_ADDRESS") ?? "-"}) as {Environment.GetEnvironmentVariable("HPC_HOST_NAME") ?? "-"}");
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

    /// <summary>
    /// Spawn over a part of the world: the even world ranks spawn 2 children with the last of them
    /// as root (so the parents' world ranks are not their ranks in the spawning communicator);
    /// with "nested", child 0's world then spawns 1 grandchild of its own.
    /// </summary>
    public static void FromASplit(Communicator world)
    {
        string mode = world.Size > 3 ? "nested" : "";
        using Communicator evens = world.Split(world.Rank % 2, world.Rank)!;
        if (world.Rank % 2 == 0)
        {
            string self = typeof(SpawnScenarios).Assembly.Location;
            using Intercommunicator children = evens.Spawn(self, ["spawn-sub-child", mode], 2, root: evens.Size - 1);
            Check(children.RemoteSize == 2 && children.Size == evens.Size, $"split's intercommunicator {children.Size} / {children.RemoteSize}");
            for (int c = 0; c < 2; c++)
                children.Send(world.Rank, c, tag: 3);
            int fromChildren = children.Allreduce(1, ReduceOp.Sum);
            Check(fromChildren == 2, $"allreduce over the children gave {fromChildren}");
            using Communicator merged = children.Merge(high: true);
            Check(merged.Rank == 2 + evens.Rank && merged.Size == 2 + evens.Size, $"merged rank {merged.Rank} of {merged.Size}");
            int[] ranks = new int[merged.Size];
            merged.Allgather<int>([merged.Rank], ranks);
            Check(ranks.SequenceEqual(Enumerable.Range(0, merged.Size)), "merged allgather");
        }
        world.Barrier();
        if (world.Rank == 0)
            Console.WriteLine($"split spawn ok: {(world.Size + 1) / 2} parents, 2 children{(mode == "nested" ? ", 1 grandchild" : "")}");
    }

    public static void SplitsChild(MpiSession mpi, string mode)
    {
        Communicator world = mpi.World;
        Intercommunicator parents = mpi.Parent ?? throw new InvalidOperationException("a spawned world has no parent");
        if (mode == "grandchild")
        {
            Check(world.Size == 1 && parents.RemoteSize == 2, $"grandchild: world {world.Size}, {parents.RemoteSize} parents");
            for (int p = 0; p < parents.RemoteSize; p++)
                parents.Send(77 + p, p, tag: 9);
            Console.WriteLine("grandchild ok");
            return;
        }
        int sum = 0;
        for (int p = 0; p < parents.RemoteSize; p++)
            sum += parents.Receive<int>(p, tag: 3);
        int expected = Enumerable.Range(0, parents.RemoteSize).Sum(p => 2 * p);
        Check(sum == expected, $"child {world.Rank}: the parents' world ranks add up to {sum}, {expected} expected");
        int fromParents = parents.Allreduce(1, ReduceOp.Sum);
        Check(fromParents == parents.RemoteSize, $"allreduce over the parents gave {fromParents}");
        using Communicator merged = parents.Merge(high: false);
        Check(merged.Rank == world.Rank, $"merged rank {merged.Rank}");
        int[] ranks = new int[merged.Size];
        merged.Allgather<int>([merged.Rank], ranks);
        Check(ranks.SequenceEqual(Enumerable.Range(0, merged.Size)), "merged allgather");
        if (mode == "nested")
        {
            // A spawned world spawns in turn: its processes are parents now.
            using Intercommunicator grandchild = world.Spawn(typeof(SpawnScenarios).Assembly.Location, ["spawn-sub-child", "grandchild"], 1, root: 0);
            int value = grandchild.Receive<int>(0, tag: 9);
            Check(value == 77 + world.Rank, $"child {world.Rank} got {value} from the grandchild");
        }
        Console.WriteLine($"split child {world.Rank} ok");
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
            throw new InvalidOperationException("check failed: " + what);
    }
}
