namespace Hpc.Testing;

/// <summary>
/// A seeded random message workload shared by the in-process soak test and the real-process
/// one: messages among all ranks with sizes across the eager and rendezvous protocols, random
/// tags, AnySource/AnyTag receives, and an allreduce after every phase. Every message carries
/// its sender, tag and per-(sender, tag) sequence number, so loss, corruption or overtaking
/// throws.
/// </summary>
internal static class SoakWorkload
{
    private readonly record struct Planned(int Source, int Dest, int Tag, int Length);

    /// <summary>Runs the workload on this rank; returns how many messages it received.</summary>
    public static long Run(Communicator world, int phases, int messagesPerPhase, int seed)
    {
        var random = new Random(seed); // same seed on every rank: every rank knows the whole plan
        long count = 0;
        var nextSequence = new Dictionary<(int, int), int>();
        var sendSequence = new Dictionary<(int, int), int>();
        for (int phase = 0; phase < phases; phase++)
        {
            var sends = new List<Request>();
            int expected = 0;
            for (int i = 0; i < messagesPerPhase; i++)
            {
                Planned p = Next(random, world.Size);
                if (p.Dest == world.Rank)
                    expected++;
                if (p.Source != world.Rank)
                    continue;
                sendSequence.TryGetValue((p.Dest, p.Tag), out int seq);
                sendSequence[(p.Dest, p.Tag)] = seq + 1;
                sends.Add(world.Isend(Encode(p, seq), p.Dest, p.Tag));
            }
            for (int i = 0; i < expected; i++)
            {
                int[] message = world.ReceiveArray<int>(Communicator.AnySource, Communicator.AnyTag, out Status status);
                Check(message.Length >= 3 && message[0] == status.Source && message[1] == status.Tag,
                    $"rank {world.Rank}: malformed message of {message.Length} ints from {status.Source} tag {status.Tag}");
                nextSequence.TryGetValue((status.Source, status.Tag), out int want);
                Check(message[2] == want, $"rank {world.Rank}: from {status.Source} tag {status.Tag} got sequence {message[2]}, expected {want}");
                nextSequence[(status.Source, status.Tag)] = want + 1;
                for (int k = 3; k < message.Length; k++)
                    Check(message[k] == message[2] * 31 + k, $"rank {world.Rank}: corrupt element {k} from {status.Source}");
                count++;
            }
            Request.WaitAll([.. sends]);
            long total = world.Allreduce(count, ReduceOp.Sum);
            Check(total == (long)(phase + 1) * messagesPerPhase, $"phase {phase}: {total} messages received in all");
        }
        return count;
    }

    private static Planned Next(Random random, int size)
    {
        int source = random.Next(size), dest = random.Next(size), roll = random.Next(100);
        // Lengths in ints: mostly small, some around the eager limits, a few large.
        int length = roll < 80 ? random.Next(0, 64) : roll < 95 ? random.Next(200, 20_000) : random.Next(20_000, 100_000);
        return new Planned(source, dest, random.Next(0, 4), length);
    }

    private static int[] Encode(Planned p, int sequence)
    {
        var data = new int[Math.Max(3, p.Length)];
        data[0] = p.Source;
        data[1] = p.Tag;
        data[2] = sequence;
        for (int k = 3; k < data.Length; k++)
            data[k] = sequence * 31 + k;
        return data;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
            throw new InvalidOperationException("soak check failed: " + what);
    }
}
