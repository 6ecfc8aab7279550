using Hpc.Transport.Tcp;
using Hpc.Testing;
using Xunit;

namespace Hpc.Tests.Transport;

/// <summary>
/// The TCP transport's large-message path over real loopback sockets, ranks as threads
/// (<see cref="InProcessWorld.RunOverTcp"/>): rendezvous data read straight into the receive
/// buffer, writers that fill the socket and wait for room, background readers that must take over
/// while a writer is stuck inside a frame. Every byte is checked.
/// </summary>
public sealed class TcpLargeMessageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
            data[i] = (byte)(i * 31 + seed * 7 + (i >> 12));
        return data;
    }

    private static void AssertPattern(byte[] data, int length, int seed)
    {
        byte[] expected = Pattern(length, seed);
        for (int i = 0; i < length; i++)
        {
            if (data[i] != expected[i])
                Assert.Fail($"byte {i} of {length} (seed {seed}) is {data[i]}, expected {expected[i]}");
        }
    }

    [Theory]
    [InlineData(64 * 1024 + 1)]            // just above the eager limit
    [InlineData(256 * 1024 - 3)]
    [InlineData(1024 * 1024)]              // exactly one data chunk
    [InlineData(1024 * 1024 + 1)]          // one chunk and a byte
    [InlineData(5 * 1024 * 1024 + 4093)]   // several chunks and an odd tail
    public void PingPongOfOddSizesArrivesIntact(int length)
    {
        InProcessWorld.RunOverTcp(2, comm =>
        {
            var buffer = new byte[length];
            for (int round = 0; round < 3; round++)
            {
                if (comm.Rank == 0)
                {
                    comm.Send(Pattern(length, round), 1, round);
                    Status status = comm.Receive(buffer, 1, round);
                    Assert.Equal(length, status.Count);
                    AssertPattern(buffer, length, 100 + round);
                }
                else
                {
                    Status status = comm.Receive(buffer, 0, round);
                    Assert.Equal(length, status.Count);
                    AssertPattern(buffer, length, round);
                    comm.Send(Pattern(length, 100 + round), 0, round);
                }
            }
        }, timeout: Timeout);
    }

    [Fact]
    public void MessagesAroundTheTcpDefaultEagerLimitArriveWhenReceivedOutOfOrder()
    {
        // At TCP's default limit the first two go eagerly and wait unexpected at rank 1, which
        // asks for the third (a rendezvous) first; the sends of the first two finish without it.
        long limit = TcpLink.DefaultEagerLimit;
        int[] lengths = [(int)limit - 1, (int)limit, (int)limit + 1];
        InProcessWorld.RunOverTcp(2, comm =>
        {
            if (comm.Rank == 0)
            {
                for (int tag = 0; tag < lengths.Length; tag++)
                    comm.Send(Pattern(lengths[tag], tag), 1, tag);
            }
            else
            {
                for (int tag = lengths.Length - 1; tag >= 0; tag--)
                {
                    var buffer = new byte[lengths[tag]];
                    Assert.Equal(lengths[tag], comm.Receive(buffer, 0, tag).Count);
                    AssertPattern(buffer, lengths[tag], tag);
                }
            }
        }, eagerLimit: limit, timeout: Timeout);
    }

    [Fact]
    public void BothDirectionsAtOnceDoNotStall()
    {
        // Each rank writes 16 MiB while the other writes 16 MiB back: both sockets fill, and
        // each writer (a spinning waiter) must get its readers going, or both would wait forever.
        const int length = 16 * 1024 * 1024;
        InProcessWorld.RunOverTcp(2, comm =>
        {
            int peer = 1 - comm.Rank;
            var received = new byte[length];
            for (int round = 0; round < 2; round++)
            {
                comm.SendReceive(Pattern(length, comm.Rank + round), peer, 5, received, peer, 5);
                AssertPattern(received, length, peer + round);
            }
        }, timeout: Timeout);
    }

    [Fact]
    public void ARingOfLargeMessagesAcrossThreeRanks()
    {
        const int length = 6 * 1024 * 1024 + 17;
        InProcessWorld.RunOverTcp(3, comm =>
        {
            int next = (comm.Rank + 1) % comm.Size, previous = (comm.Rank + comm.Size - 1) % comm.Size;
            var received = new byte[length];
            comm.SendReceive(Pattern(length, comm.Rank), next, 9, received, previous, 9);
            AssertPattern(received, length, previous);
        }, timeout: Timeout);
    }

    [Fact]
    public void ManyLargeAndSmallMessagesInFlightMatchTheirReceives()
    {
        // Non-blocking sends of mixed sizes on one link, received in the opposite order of tags:
        // the rendezvous requests wait unexpected while data for other receives streams past.
        int[] lengths = [300_000, 12, 1_048_577, 65_536, 2_000_003, 70_000, 1, 4 * 1024 * 1024];
        InProcessWorld.RunOverTcp(2, comm =>
        {
            if (comm.Rank == 0)
            {
                Request[] sends = [.. lengths.Select((length, tag) => comm.Isend(Pattern(length, tag), 1, tag))];
                Request.WaitAll(sends);
            }
            else
            {
                var buffers = lengths.Select(length => new byte[length]).ToArray();
                var receives = new Request[lengths.Length];
                for (int tag = lengths.Length - 1; tag >= 0; tag--)
                    receives[tag] = comm.Irecv(buffers[tag], 0, tag);
                Status[] statuses = Request.WaitAll(receives);
                for (int tag = 0; tag < lengths.Length; tag++)
                {
                    Assert.Equal(lengths[tag], statuses[tag].Count);
                    AssertPattern(buffers[tag], lengths[tag], tag);
                }
            }
        }, timeout: Timeout);
    }

    [Fact]
    public void ASlowReaderStillGetsEveryByte()
    {
        // The receiver posts late, then computes without calling the library while the data
        // streams: the sender fills the socket and waits; the background readers carry the rest.
        const int length = 12 * 1024 * 1024 + 5;
        InProcessWorld.RunOverTcp(2, comm =>
        {
            if (comm.Rank == 0)
            {
                comm.Send(Pattern(length, 3), 1, 1);
                Assert.Equal(42, comm.Receive<int>(1, 2));
            }
            else
            {
                Thread.Sleep(300);
                var buffer = new byte[length];
                Request receive = comm.Irecv(buffer, 0, 1);
                Thread.Sleep(300);
                Status status = receive.Wait();
                Assert.Equal(length, status.Count);
                AssertPattern(buffer, length, 3);
                comm.Send(42, 0, 2);
            }
        }, timeout: Timeout);
    }

    [Fact]
    public void AReceiveTooSmallForALargeMessageFailsNamingBothSizes()
    {
        InProcessWorld.RunOverTcp(2, comm =>
        {
            if (comm.Rank == 0)
            {
                comm.Send(Pattern(200_000, 1), 1, 0);
                comm.Send(Pattern(100_000, 2), 1, 1);
            }
            else
            {
                var small = new byte[100_000];
                var error = Assert.ThrowsAny<Exception>(() => comm.Receive(small, 0, 0));
                Assert.Contains("200000", error.Message);
                Assert.Contains("100000", error.Message);
                // The link is still good for the next message.
                comm.Receive(small, 0, 1);
                AssertPattern(small, 100_000, 2);
            }
        }, timeout: Timeout);
    }
}
