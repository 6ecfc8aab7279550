// Scenarios the integration tests run through the real launcher, on real transports. Each
// scenario checks its results itself; a mismatch throws, which exits the rank non-zero.
using Hpc;

string scenario = args.Length > 0 ? args[0] : "p2p";
// A setting mpirun cannot see (it is made inside the rank) that makes Init itself fail on rank 1.
if (scenario == "init-fails" && Environment.GetEnvironmentVariable("HPC_RANK") == "1")
    Environment.SetEnvironmentVariable("HPC_EAGER_LIMIT", "lots");
using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;

switch (scenario)
{
    case "identity":
        Console.WriteLine($"rank {world.Rank} of {world.Size} on {Mpi.ProcessorName}");
        break;
    case "p2p":
        PointToPoint(world);
        break;
    case "sizes":
        SizeClasses(world);
        Console.WriteLine($"sizes ok: {world.Size} ranks");
        break;
    case "allreduce":
    {
        long total = world.Allreduce((long)world.Rank + 1, ReduceOp.Sum);
        Check(total == (long)world.Size * (world.Size + 1) / 2, $"allreduce sum {total}");
        float[] data = [.. Enumerable.Range(0, 100_000).Select(i => (float)(i % 97) * (world.Rank + 1))];
        world.Allreduce(data, ReduceOp.Sum);
        float factor = world.Size * (world.Size + 1) / 2f;
        for (int i = 0; i < data.Length; i++)
            Check(data[i] == (i % 97) * factor, $"element {i}: {data[i]}");
        for (int root = 0; root < world.Size; root += Math.Max(1, world.Size / 3))
        {
            double[] values = world.Rank == root ? [.. Enumerable.Range(0, 50_000).Select(i => i * 0.25 + root)] : new double[50_000];
            world.Broadcast(values, root);
            for (int i = 0; i < values.Length; i += 101)
                Check(values[i] == i * 0.25 + root, $"broadcast from {root}: element {i} = {values[i]}");
        }
        world.Barrier();
        if (world.Rank == 0)
            Console.WriteLine($"allreduce ok: {world.Size} ranks, sum = {total}");
        break;
    }
    case "node-aware":
        NodeAware(world);
        break;
    case "soak":
    {
        long received = Hpc.Testing.SoakWorkload.Run(world, phases: 40, messagesPerPhase: 500, seed: 11);
        long total = world.Allreduce(received, ReduceOp.Sum);
        if (world.Rank == 0)
            Console.WriteLine($"soak ok: {world.Size} ranks, {total} messages");
        break;
    }
    case "allreduce-forever":
        Console.WriteLine($"rank {world.Rank} pid {Environment.ProcessId}");
        var vector = new float[4096];
        while (true)
            world.Allreduce(vector, ReduceOp.Sum);
    case "mismatch":
        world.Allreduce(new float[world.Rank == 1 ? 5 : 4], ReduceOp.Sum);
        break;
    case "mismatch-gatherv":
    {
        // The root expects 2 elements from every rank, but the last rank sends 3 (needs --check).
        int[] counts = [.. Enumerable.Repeat(2, world.Size)];
        var mine = new int[world.Rank == world.Size - 1 ? 3 : 2];
        world.Gatherv<int>(mine, new int[2 * world.Size + 1], counts, root: 0);
        break;
    }
    case "desync-collective":
    {
        // Three agreed Allreduces, then the last rank calls Broadcast where the others Allreduce: #4 diverges.
        var data = new float[1024];
        for (int i = 0; i < 3; i++)
            world.Allreduce(data, ReduceOp.Sum);
        if (world.Rank == world.Size - 1)
            world.Broadcast(data, root: 0);
        else
            world.Allreduce(data, ReduceOp.Sum);
        break;
    }
    case "desync-missing":
    {
        // The last rank never reaches Allreduce #2: it waits for a message nobody sends.
        var data = new float[1024];
        world.Allreduce(data, ReduceOp.Sum);
        if (world.Rank == world.Size - 1)
            world.Receive<int>(0, 9);
        world.Allreduce(data, ReduceOp.Sum);
        break;
    }
    case "sleep-then-fail":
        if (world.Rank == 1)
        {
            Thread.Sleep(300);
            Environment.Exit(7);
        }
        world.Receive<int>(1, 0); // never arrives: the launcher must end this rank
        break;
    case "pool-worker-dies":
        // A worker is killed outright (SIGKILL, as the OOM killer would) while it holds a task:
        // the job must end as any rank failure does, with the client's Map never returning.
        using (Hpc.Tasks.TaskPool? pool = Hpc.Tasks.TaskPool.Create(world))
        {
            Console.WriteLine($"rank {world.Rank} pid {Environment.ProcessId}");
            if (pool is not null)
            {
                int[] results = pool.Map(PoolTasks.DieOnSeven, Enumerable.Range(0, 200), chunkSize: 1);
                Console.WriteLine($"map returned {results.Length} results");
            }
        }
        break;
    case "throw":
        if (world.Rank == world.Size - 1)
            throw new InvalidOperationException("deliberate failure in the test rank");
        world.Receive<int>(world.Size - 1, 0);
        break;
    case "abort":
        if (world.Rank == 0)
            world.Abort(5, "deliberate abort");
        world.Receive<int>(0, 0);
        break;
    case "blocked-waits":
    {
        // Every wait here outlasts the polling phases (one rank sleeps before each round), so
        // receivers block: over TCP they sleep in poll(2) themselves (HPC_DIRECT_WAKE), beside
        // shared-memory peers on the inbox's bell too; each must be woken by what arrives.
        int right = (world.Rank + 1) % world.Size, left = (world.Rank + world.Size - 1) % world.Size;
        for (int round = 0; round < 2 * world.Size; round++)
        {
            if (world.Rank == round % world.Size)
                Thread.Sleep(30);
            long[] mine = [.. Enumerable.Range(0, round % 2 == 0 ? 3 : 100_000).Select(i => (long)round * 1_000_000 + world.Rank * 1000 + i % 1000)];
            var got = new long[mine.Length];
            world.SendReceive(mine, right, round, got, left, round);
            for (int i = 0; i < got.Length; i += 97)
                Check(got[i] == (long)round * 1_000_000 + left * 1000 + i % 1000, $"round {round}: element {i} from rank {left} is {got[i]}");
            long total = world.Allreduce((long)round + world.Rank, ReduceOp.Sum);
            Check(total == (long)round * world.Size + (long)world.Size * (world.Size - 1) / 2, $"round {round}: allreduce {total}");
        }
        if (world.Rank == 0)
            Console.WriteLine($"blocked waits ok: {world.Size} ranks");
        break;
    }
    case "hang":
        Console.WriteLine($"rank {world.Rank} pid {Environment.ProcessId}");
        if (world.Rank == 0)
            world.Receive<int>(1, 9);
        else
            Thread.Sleep(Timeout.Infinite);
        break;
    case "shared-array":
        SharedArrays(world, holdUntilKilled: args.Length > 1 && args[1] == "hold");
        break;
    case "spawn":
        SpawnScenarios.Parents(world, args.Length > 1 ? args[1] : "");
        break;
    case "spawn-child":
        SpawnScenarios.Child(mpi, args.Length > 1 ? args[1] : "");
        break;
    case "spawn-missing":
        SpawnScenarios.Missing(world);
        break;
    case "spawn-sub":
        SpawnScenarios.FromASplit(world);
        break;
    case "spawn-sub-child":
        SpawnScenarios.SplitsChild(mpi, args.Length > 1 ? args[1] : "");
        break;
    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}'");
        return 2;
}
return 0;

// Shared arrays between processes: slices written by every rank and read by all after a fence,
// a broadcast once per host; then each rank looks for the job's host-block files in /dev/shm
// (there must be none: unlinked once mapped) and prints "rank R pid P array-files N". With
// "hold" the ranks then wait in a barrier for the test to SIGKILL one of them.
static void SharedArrays(Communicator world, bool holdUntilKilled)
{
    using Hpc.Tasks.SharedArray<long> array = world.AllocateShared<long>(100_000 + world.Rank);
    for (int i = 0; i < array.LocalLength; i++)
        array.Local[i] = world.Rank * 1_000_000L + i;
    array.Fence();
    for (int r = 0; r < array.Host.Size; r++)
    {
        Span<long> slice = array.SliceOf(r);
        int worldRank = (int)(slice[0] / 1_000_000);
        Check(slice.Length == 100_000 + worldRank && slice[^1] == worldRank * 1_000_000L + slice.Length - 1, $"slice of host rank {r}");
    }
    using Hpc.Tasks.SharedReadOnlyArray<int> copy = world.BroadcastShared<int>(world.Rank == 0 ? [.. Enumerable.Range(0, 3_000_000)] : [], root: 0);
    for (int i = 0; i < copy.Length; i += 4099)
        Check(copy.Span[i] == i, $"broadcast element {i} = {copy.Span[i]}");
    string job = System.Environment.GetEnvironmentVariable("HPC_JOB_ID")!;
    int files = Directory.GetFiles("/dev/shm", $"hpc-{job}-*-array*").Length;
    world.Barrier();
    Console.WriteLine($"rank {world.Rank} pid {System.Environment.ProcessId} array-files {files}");
    if (holdUntilKilled)
        Thread.Sleep(Timeout.Infinite);   // the test kills one rank; the launcher ends the others
    world.Barrier();
    if (world.Rank == 0)
        Console.WriteLine($"shared arrays ok: {world.Size} ranks, {array.Length} elements on this host");
}

// The node-aware collectives on a job across hosts (they are Auto's choice there): every
// result checked, small and multi-segment sizes, several roots, both algorithm families.
static void NodeAware(Communicator world)
{
    int n = world.Size;
    foreach (int count in new[] { 1, 3000, 400_000 })
    {
        foreach (AllreduceAlgorithm algorithm in new[] { AllreduceAlgorithm.Auto, AllreduceAlgorithm.Ring })
        {
            long[] data = [.. Enumerable.Range(0, count).Select(i => (long)i * (world.Rank + 1))];
            world.Allreduce(data, ReduceOp.Sum, algorithm);
            for (int i = 0; i < count; i += 97)
                Check(data[i] == (long)i * n * (n + 1) / 2, $"allreduce ({algorithm}) of {count}: element {i} = {data[i]}");
        }
        foreach (int root in new[] { 0, n - 1, n / 2 })
        {
            long[] values = world.Rank == root ? [.. Enumerable.Range(0, count).Select(i => (long)i + root)] : new long[count];
            world.Broadcast(values, root);
            for (int i = 0; i < count; i += 89)
                Check(values[i] == i + root, $"broadcast of {count} from {root}: element {i} = {values[i]}");
            long[] sums = world.Rank == root ? new long[count] : [];
            long[] mine = [.. Enumerable.Repeat((long)world.Rank, count)];
            world.Reduce(mine, sums, ReduceOp.Sum, root);
            if (world.Rank == root)
                Check(sums.All(v => v == (long)n * (n - 1) / 2), $"reduce of {count} to {root}: {sums[0]}");
        }
        int block = Math.Max(1, count / n);
        var all = new long[block * n];
        long[] own = [.. Enumerable.Repeat((long)world.Rank, block)];
        world.Allgather(own, all);
        for (int r = 0; r < n; r++)
            Check(all[r * block] == r && all[r * block + block - 1] == r, $"allgather of {block} per rank: block {r}");
        world.Barrier();
    }
    if (world.Rank == 0)
        Console.WriteLine($"node-aware ok: {n} ranks on {world.HostCount} hosts, allreduce {world.AlgorithmFor(Collective.Allreduce, 8)}, barrier {world.AlgorithmFor(Collective.Barrier, 0)}, bcast 1 MiB {world.AlgorithmFor(Collective.Broadcast, 1 << 20)}");
}

static void PointToPoint(Communicator world)
{
    int right = (world.Rank + 1) % world.Size, left = (world.Rank + world.Size - 1) % world.Size;
    // Sizes on both sides of the eager limits (shared memory and TCP 64 KiB; 16 KiB with more than 16 ranks) and the chunk size.
    foreach (int n in new[] { 0, 1, 1000, 5000, 20_000, 300_000, 3_000_000 })
    {
        long[] mine = [.. Enumerable.Range(0, n).Select(i => (long)world.Rank * 1_000_000_000 + i)];
        var got = new long[n];
        Status status = world.SendReceive(mine, right, n % 1000, got, left, n % 1000);
        Check(status.Source == left && status.Count == n, $"status {status} for n={n}");
        for (int i = 0; i < n; i++)
            Check(got[i] == (long)left * 1_000_000_000 + i, $"element {i} of {n} from rank {left}");
    }

    // Non-overtaking with mixed sizes from every rank to rank 0, received with AnySource.
    const int messages = 50;
    if (world.Rank != 0)
    {
        var requests = new List<Request>();
        for (int i = 0; i < messages; i++)
            requests.Add(world.Isend(Enumerable.Repeat(i, i % 7 == 0 ? 40_000 : 3).ToArray(), 0, 3));
        Request.WaitAll([.. requests]);
    }
    else
    {
        var next = new int[world.Size];
        for (int k = 0; k < messages * (world.Size - 1); k++)
        {
            int[] data = world.ReceiveArray<int>(Communicator.AnySource, 3, out Status status);
            Check(data[0] == next[status.Source], $"message {data[0]} from rank {status.Source} overtook {next[status.Source]}");
            next[status.Source]++;
        }
    }

    // Truncation names both sizes and leaves the connection usable.
    if (world.Size > 1)
    {
        if (world.Rank == 1)
        {
            world.Send(new byte[100_000], 0, 4);
            world.Send(42, 0, 5);
        }
        else if (world.Rank == 0)
        {
            try
            {
                world.Receive(new byte[10], 1, 4);
                Check(false, "truncation was not reported");
            }
            catch (MessageTruncatedException e)
            {
                Check(e.MessageBytes == 100_000 && e.BufferBytes == 10, e.Message);
            }
            Check(world.Receive<int>(1, 5) == 42, "message after a truncation");
        }
    }
    world.Barrier();
    if (world.Rank == 0)
        Console.WriteLine($"p2p ok: {world.Size} ranks");
}

// Every size class on both sides of each protocol boundary: the shared-memory eager limit
// (64 KiB; 16 KiB above 16 ranks), the TCP eager limit (64 KiB), the shared-memory ring chunk (131,008 bytes with a
// 256 KiB ring) and the TCP chunk (1 MiB); each once with the receive posted before the
// message arrives and once after (the unexpected-message path).
static void SizeClasses(Communicator world)
{
    int partner = world.Rank ^ 1;
    if (partner >= world.Size)
        return;
    int[] sizes = [0, 1, 7, 8, 9, 63, 64, 65, 4095, 4096, 4097, 16383, 16384, 16385, 65535, 65536, 65537,
        131007, 131008, 131009, 262017, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5];
    static byte Pattern(int rank, int size, int i) => (byte)(i * 7 + size * 13 + rank * 101);
    foreach (int size in sizes)
    {
        for (int postFirst = 0; postFirst < 2; postFirst++)
        {
            var mine = new byte[size];
            for (int i = 0; i < size; i++)
                mine[i] = Pattern(world.Rank, size, i);
            var got = new byte[size + 3];
            if (postFirst == 1)
            {
                Request receive = world.Irecv(got, partner, size % 100);
                world.Barrier();
                world.Send<byte>(mine, partner, size % 100);
                Status status = receive.Wait();
                Check(status.GetCount<byte>() == size, $"{size} bytes posted first: status says {status.GetCount<byte>()}");
            }
            else
            {
                // The lower rank sends first and receives after; its partner's message waits unmatched.
                if (world.Rank < partner)
                {
                    world.Send<byte>(mine, partner, size % 100);
                    Thread.Sleep(size < 100_000 ? 0 : 5);
                    world.Receive<byte>(got, partner, size % 100);
                }
                else
                {
                    Request send = world.Isend(mine, partner, size % 100);
                    world.Receive<byte>(got, partner, size % 100);
                    send.Wait();
                }
            }
            for (int i = 0; i < size; i++)
            {
                if (got[i] != Pattern(partner, size, i))
                    Check(false, $"{size} bytes (posted first: {postFirst == 1}): byte {i} is {got[i]}, expected {Pattern(partner, size, i)}");
            }
            Check(got[size] == 0 && got[size + 1] == 0 && got[size + 2] == 0, $"{size} bytes wrote past the message");
        }
    }
}

static void Check(bool condition, string what)
{
    if (!condition)
        throw new InvalidOperationException("check failed: " + what);
}

/// <summary>Tasks of the pool scenarios: static, so every rank resolves them.</summary>
internal static class PoolTasks
{
    public static int DieOnSeven(int item)
    {
        if (item == 7)
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        Thread.Sleep(5);
        return item * 2;
    }
}
