using Hpc.Messaging;
using Hpc.Transport.InProcess;
using Xunit;

namespace Hpc.Tests;

/// <summary>
/// Large messages copied straight between the buffers (as shared memory does with
/// process_vm_readv/writev): the receiver reads, or both sides copy a half each, and every
/// refusal falls back to streaming without losing or duplicating a byte.
/// </summary>
public class DirectCopyTests
{
    private static readonly int[] Sizes =
    [
        70_000,
        (int)RendezvousProtocol.SplitCopyBytes - 1,
        (int)RendezvousProtocol.SplitCopyBytes,
        (int)RendezvousProtocol.SplitCopyBytes + 4097,
        3 * (1 << 20) + 5,
    ];

    /// <summary>Every mode that offers direct copies, by name (the enum is internal).</summary>
    public static TheoryData<string> CopyModes =>
        [nameof(InProcessCopies.ReadAndWrite), nameof(InProcessCopies.ReadOnly), nameof(InProcessCopies.WriteOnly)];

    private static byte Pattern(int rank, int size, int i) => (byte)(i * 7 + size * 13 + rank * 101);

    [Theory]
    [MemberData(nameof(CopyModes))]
    public void EveryByteArrivesOnceWhateverTheCopiesAllow(string mode)
    {
        var copies = Enum.Parse<InProcessCopies>(mode);
        InProcessWorld.Run(4, world =>
        {
            int partner = world.Rank ^ 1;
            foreach (int size in Sizes)
            {
                var mine = new byte[size];
                for (int i = 0; i < size; i++)
                    mine[i] = Pattern(world.Rank, size, i);
                var got = new byte[size + 8];
                Status status = world.SendReceive<byte>(mine, partner, size % 97, got, partner, size % 97);
                Assert.Equal(size, status.ByteCount);
                for (int i = 0; i < size; i++)
                {
                    if (got[i] != Pattern(partner, size, i))
                        Assert.Fail($"{copies}, {size} bytes: byte {i} is {got[i]}, expected {Pattern(partner, size, i)}");
                }
                Assert.True(got.AsSpan(size).IndexOfAnyExcept((byte)0) < 0, $"{copies}, {size} bytes: wrote past the message");
            }
        }, copies: copies);
    }

    [Theory]
    [MemberData(nameof(CopyModes))]
    public void ManySplitMessagesInFlightToOnePeerStayInOrder(string mode)
    {
        var copies = Enum.Parse<InProcessCopies>(mode);
        const int messages = 12, size = 600_000;
        InProcessWorld.Run(2, world =>
        {
            if (world.Rank == 0)
            {
                var buffers = Enumerable.Range(0, messages).Select(m => Enumerable.Repeat((byte)(m + 1), size).ToArray()).ToArray();
                Request[] sends = [.. buffers.Select(b => world.Isend(b, 1, 5))];
                Request.WaitAll(sends);
            }
            else
            {
                for (int m = 0; m < messages; m++)
                {
                    var got = new byte[size];
                    world.Receive(got, 0, 5);
                    Assert.True(got.AsSpan().IndexOfAnyExcept((byte)(m + 1)) < 0, $"{copies}: message {m} mixed with another");
                }
            }
        }, copies: copies);
    }

    [Fact]
    public void ATooSmallBufferRejectsASplitSizedMessageNamingBothSizes()
    {
        InProcessWorld.Run(2, world =>
        {
            if (world.Rank == 0)
                world.Send(new byte[1 << 20], 1, 3);
            else
            {
                var error = Assert.Throws<MessageTruncatedException>(() => world.Receive(new byte[1000], 0, 3));
                Assert.Contains("1048576", error.Message);
                Assert.Contains("1000", error.Message);
            }
            world.Barrier();
        }, copies: InProcessCopies.ReadAndWrite);
    }
}
