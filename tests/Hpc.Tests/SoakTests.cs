using Xunit;

namespace Hpc.Tests;

/// <summary>
/// A seeded random workload: 100,000 messages among 6 ranks with sizes across the eager and
/// rendezvous protocols, random tags, AnySource/AnyTag receives, and collectives between phases.
/// Every message carries its sender, tag and per-(sender, tag) sequence number, so any loss,
/// corruption or overtaking is caught.
/// </summary>
public class SoakTests
{
    private const int Ranks = 6, Phases = 100, MessagesPerPhase = 1000, EagerLimit = 1024;

    private readonly record struct Planned(int Source, int Dest, int Tag, int Length);

    [Fact]
    public void HundredThousandRandomMessagesArriveIntactAndInOrder()
    {
        Planned[][] plan = MakePlan(seed: 7);
        long[] received = InProcessWorld.Run(Ranks, world =>
        {
            long count = 0;
            var nextSequence = new Dictionary<(int, int), int>();
            var sendSequence = new Dictionary<(int, int), int>();
            for (int phase = 0; phase < Phases; phase++)
            {
                var sends = new List<Request>();
                int expected = 0;
                foreach (Planned p in plan[phase])
                {
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
                    Assert.True(message.Length >= 3, $"message of {message.Length} ints");
                    Assert.Equal(status.Source, message[0]);
                    Assert.Equal(status.Tag, message[1]);
                    nextSequence.TryGetValue((status.Source, status.Tag), out int want);
                    Assert.True(message[2] == want, $"rank {world.Rank}: from {status.Source} tag {status.Tag} got sequence {message[2]}, expected {want}");
                    nextSequence[(status.Source, status.Tag)] = want + 1;
                    for (int k = 3; k < message.Length; k++)
                        Assert.Equal(message[2] * 31 + k, message[k]);
                    count++;
                }
                Request.WaitAll([.. sends]);
                long total = world.Allreduce(count, ReduceOp.Sum);
                Assert.Equal((long)(phase + 1) * MessagesPerPhase, total);
            }
            return count;
        }, eagerLimit: EagerLimit, timeout: TimeSpan.FromMinutes(3));
        Assert.Equal((long)Phases * MessagesPerPhase, received.Sum());
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

    private static Planned[][] MakePlan(int seed)
    {
        var random = new Random(seed);
        var plan = new Planned[Phases][];
        for (int phase = 0; phase < Phases; phase++)
        {
            plan[phase] = new Planned[MessagesPerPhase];
            for (int i = 0; i < MessagesPerPhase; i++)
            {
                int source = random.Next(Ranks), dest = random.Next(Ranks);
                int roll = random.Next(100);
                // Lengths in ints: mostly small, some around the eager limit (256 ints), a few large.
                int length = roll < 80 ? random.Next(0, 64) : roll < 95 ? random.Next(200, 320) : random.Next(1000, 16_000);
                plan[phase][i] = new Planned(source, dest, random.Next(0, 4), length);
            }
        }
        return plan;
    }
}
