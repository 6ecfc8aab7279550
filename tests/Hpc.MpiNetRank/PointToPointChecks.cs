using System;
using System.Linq;
using MPI;

namespace MpiNetRank;

/// <summary>Blocking point-to-point with unmanaged types, around a ring (a world of one sends to itself).</summary>
internal static class PointToPointChecks
{
    public static void Run(Intracommunicator world)
    {
        int rank = world.Rank, size = world.Size;
        int next = (rank + 1) % size, prev = (rank + size - 1) % size;

        // Values: the three Receive forms.
        world.Send(rank * 10, next, 1);
        Check.Equal(prev * 10, world.Receive<int>(prev, 1), "Receive<int>(source, tag)");
        world.Send(rank + 0.5, next, 2);
        world.Receive(prev, 2, out double d);
        Check.Equal(prev + 0.5, d, "Receive(source, tag, out double)");
        world.Send((long)rank << 40, next, 3);
        world.Receive(prev, 3, out long l, out CompletedStatus status);
        Check.Equal((long)prev << 40, l, "Receive(out long, out CompletedStatus)");
        Check.Equal(prev, status.Source, "status.Source");
        Check.Equal(3, status.Tag, "status.Tag");
        Check.Equal(1, status.Count(), "status.Count() of a value");

        // Arrays into a larger buffer: the status counts what arrived.
        world.Send(Enumerable.Range(rank, rank + 1).ToArray(), next, 4);
        var buffer = new int[size + 5];
        world.Receive(prev, 4, ref buffer, out status);
        Check.Equal(prev + 1, status.Count(), "status.Count() of an array");
        Check.Sequence(Enumerable.Range(prev, prev + 1), buffer.Take(prev + 1), "Receive(ref int[])");
        world.Send(new[] { 1.5, 2.5, 3.5 }, next, 5);
        double[] allocated = null;
        world.Receive(prev, 5, ref allocated);
        Check.Sequence(new[] { 1.5, 2.5, 3.5 }, allocated, "Receive(ref null array) allocates");

        // A user struct travels raw.
        world.Send(new Vector2(rank, -rank), next, 6);
        Check.Equal(new Vector2(prev, -prev), world.Receive<Vector2>(prev, 6), "Vector2 struct");
        world.Send(new[] { new Span2(rank, rank + 1) }, next, 7);
        var spans = new Span2[1];
        world.Receive(prev, 7, ref spans);
        Check.Equal(new Span2(prev, prev + 1), spans[0], "Span2[]");

        // AnySource and AnyTag.
        world.Send(rank, next, 100 + rank);
        world.Receive(Communicator.anySource, Communicator.anyTag, out int any, out status);
        Check.Equal(prev, any, "Receive(anySource, anyTag)");
        Check.Equal(prev, status.Source, "anySource status.Source");
        Check.Equal(100 + prev, status.Tag, "anyTag status.Tag");
        world.Barrier(); // later messages (any tag) must not race the wildcard receive

        // SendReceive: values with one partner and one tag, and around the ring with two tags.
        int partner = (rank ^ 1) < size ? rank ^ 1 : rank;
        world.SendReceive(rank, partner, 8, out int fromPartner);
        Check.Equal(partner, fromPartner, "SendReceive(value, dest, tag, out)");
        world.SendReceive(rank, next, 9, prev, 9, out int fromPrev);
        Check.Equal(prev, fromPrev, "SendReceive(value, dest, sendTag, source, recvTag, out)");
        world.SendReceive(rank * 2, next, 10, prev, 10, out int twice, out status);
        Check.Equal(prev * 2, twice, "SendReceive with status");
        Check.Equal(prev, status.Source, "SendReceive status.Source");
        int[] exchanged = new int[3];
        world.SendReceive(new[] { rank, rank, rank }, partner, 11, ref exchanged);
        Check.Sequence(new[] { partner, partner, partner }, exchanged, "SendReceive(int[], dest, tag, ref int[])");
        int[] ring = new int[2];
        world.SendReceive(new[] { rank, -rank }, next, 12, prev, 12, ref ring, out status);
        Check.Sequence(new[] { prev, -prev }, ring, "SendReceive(int[] … ref int[], out status)");
        Check.Equal(2, status.Count(), "SendReceive array status.Count()");
        int[] unallocated = null;
        world.SendReceive(new[] { rank }, next, 13, prev, 13, ref unallocated);
        Check.Sequence(new[] { prev }, unallocated, "SendReceive into a null array");

        // A large message (rendezvous protocol) both ways at once.
        var big = Enumerable.Range(0, 200_000).Select(i => (double)(i + rank)).ToArray();
        var bigIn = new double[big.Length];
        world.SendReceive(big, next, 14, prev, 14, ref bigIn);
        Check.True(bigIn[0] == prev && bigIn[^1] == 199_999 + prev, "200,000 doubles around the ring");

        // Probe and ImmediateProbe.
        world.Send(new[] { 1.0, 2.0, 3.0 }, next, 15);
        Status probed = world.Probe(Communicator.anySource, 15);
        Check.Equal(prev, probed.Source, "Probe Source");
        Check.Equal(15, probed.Tag, "Probe Tag");
        Check.Equal(3, probed.Count(typeof(double)), "Probe Count(typeof(double))");
        Check.Equal(null, probed.Count(typeof(string)), "Probe Count(typeof(string)) is null");
        var three = new double[3];
        world.Receive(prev, 15, ref three);
        Check.True(world.ImmediateProbe(Communicator.anySource, 16) is null, "ImmediateProbe with nothing sent");
        world.Barrier();
        world.Send(7, next, 16);
        Status immediate;
        while ((immediate = world.ImmediateProbe(prev, 16)) is null)
            System.Threading.Thread.Yield();
        Check.Equal(1, immediate.Count(typeof(int)), "ImmediateProbe Count");
        Check.Equal(7, world.Receive<int>(prev, 16), "receive after ImmediateProbe");

        // Truncation is an MPI.MessageTruncatedException naming both sizes.
        world.Send(new int[10], next, 17);
        var small = new int[5];
        var truncated = Check.Throws<MessageTruncatedException>(() => world.Receive(prev, 17, ref small), "receiving 10 ints into 5");
        Check.True(truncated.Message.Contains("40") && truncated.Message.Contains("20"), $"truncation message names both sizes: {truncated.Message}");
        world.Barrier();
    }
}
