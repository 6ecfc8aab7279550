// Scenarios the integration tests run through the real launcher, on real transports. Each
// scenario checks its results itself; a mismatch throws, which exits the rank non-zero.
using Hpc;

string scenario = args.Length > 0 ? args[0] : "p2p";
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
    case "sleep-then-fail":
        if (world.Rank == 1)
        {
            Thread.Sleep(300);
            Environment.Exit(7);
        }
        world.Receive<int>(1, 0); // never arrives: the launcher must end this rank
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
    case "hang":
        Console.WriteLine($"rank {world.Rank} pid {Environment.ProcessId}");
        if (world.Rank == 0)
            world.Receive<int>(1, 9);
        else
            Thread.Sleep(Timeout.Infinite);
        break;
    default:
        Console.Error.WriteLine($"unknown scenario '{scenario}'");
        return 2;
}
return 0;

static void PointToPoint(Communicator world)
{
    int right = (world.Rank + 1) % world.Size, left = (world.Rank + world.Size - 1) % world.Size;
    // Sizes on both sides of the eager limits (shared memory 16 KiB, TCP 64 KiB) and the chunk size.
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

static void Check(bool condition, string what)
{
    if (!condition)
        throw new InvalidOperationException("check failed: " + what);
}
