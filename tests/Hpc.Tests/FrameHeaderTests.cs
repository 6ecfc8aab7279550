using Hpc.Messaging;
using Xunit;

namespace Hpc.Tests;

public class FrameHeaderTests
{
    private static readonly FrameLimits Limits = new(MaxEagerBytes: 1024, MaxChunkBytes: 4096);

    [Fact]
    public void RoundTripsEveryField()
    {
        var header = new FrameHeader(FrameKind.RendezvousData, FrameFlags.Rejected, 7, 3, 99, 4000, 11, 12, 13);
        var bytes = new byte[FrameHeader.Size];
        header.Write(bytes);
        Assert.Equal(header, FrameHeader.Read(bytes, Limits));
    }

    [Fact]
    public void AnEagerHeaderTakesTwentyFourBytesAndReadsBackFromThemAlone()
    {
        var header = FrameHeader.ForEager(7, 3, 99, 1000);
        Assert.Equal(FrameHeader.EagerSize, header.EncodedSize);
        byte[] bytes = [.. Enumerable.Repeat((byte)0xEE, FrameHeader.Size)];
        header.Write(bytes);
        // Nothing is written past the short header: the payload starts there.
        Assert.All(bytes[FrameHeader.EagerSize..], b => Assert.Equal(0xEE, b));
        Assert.Equal(FrameHeader.EagerSize, FrameHeader.SizeAt(bytes));
        Assert.Equal(header, FrameHeader.Read(bytes.AsSpan(0, FrameHeader.EagerSize), Limits));
    }

    [Fact]
    public void EveryOtherKindNeedsItsWholeHeader()
    {
        var bytes = new byte[FrameHeader.Size];
        FrameHeader.ForClearToSend(senderId: 5, length: 1 << 20, receiverId: 9).Write(bytes);
        Assert.Equal(FrameHeader.Size, FrameHeader.SizeAt(bytes));
        Assert.Throws<ProtocolViolationException>(() => FrameHeader.Read(bytes.AsSpan(0, FrameHeader.EagerSize), Limits));
        Assert.Equal(9, FrameHeader.Read(bytes, Limits).ReceiverId);
    }

    [Theory]
    [InlineData((byte)FrameKind.Eager, 1025)]
    [InlineData((byte)FrameKind.RendezvousData, 4097)]
    [InlineData((byte)FrameKind.Eager, -1)]
    public void RejectsLengthsOverTheBound(byte kind, long length)
    {
        var bytes = new byte[FrameHeader.Size];
        new FrameHeader((FrameKind)kind, FrameFlags.None, 0, 0, 0, length).Write(bytes);
        Assert.Throws<ProtocolViolationException>(() => FrameHeader.Read(bytes, Limits));
    }

    [Fact]
    public void RendezvousRequestMayAnnounceAnySize()
    {
        var bytes = new byte[FrameHeader.Size];
        new FrameHeader(FrameKind.RendezvousRequest, FrameFlags.None, 0, 1, 2, 1L << 40).Write(bytes);
        FrameHeader read = FrameHeader.Read(bytes, Limits);
        Assert.Equal(0, read.PayloadLength);
    }

    [Fact]
    public void RejectsBadMagicUnknownKindTruncationAndNegativeFields()
    {
        var bytes = new byte[FrameHeader.Size];
        new FrameHeader(FrameKind.Eager, FrameFlags.None, 0, 0, 0, 10).Write(bytes);
        byte[] badMagic = [.. bytes];
        badMagic[0] ^= 0xFF;
        Assert.Throws<ProtocolViolationException>(() => FrameHeader.Read(badMagic, Limits));
        byte[] badKind = [.. bytes];
        badKind[2] = 77;
        Assert.Throws<ProtocolViolationException>(() => FrameHeader.Read(badKind, Limits));
        Assert.Throws<ProtocolViolationException>(() => FrameHeader.Read(bytes.AsSpan(0, 20), Limits));
        new FrameHeader(FrameKind.Eager, FrameFlags.None, 0, -5, 0, 10).Write(bytes);
        Assert.Throws<ProtocolViolationException>(() => FrameHeader.Read(bytes, Limits));
    }

    [Fact]
    public void SeededRandomBytesNeverPassUnchecked()
    {
        var random = new Random(1234);
        var bytes = new byte[FrameHeader.Size];
        for (int i = 0; i < 100_000; i++)
        {
            random.NextBytes(bytes);
            if (i % 2 == 0)
            {
                // Keep the magic so the deeper checks are exercised too.
                bytes[0] = 0x48;
                bytes[1] = 0x50;
                bytes[2] = (byte)random.Next(0, 6);
            }
            try
            {
                FrameHeader header = FrameHeader.Read(bytes, Limits);
                Assert.InRange(header.PayloadLength, 0, Limits.MaxPayloadBytes);
            }
            catch (ProtocolViolationException)
            {
            }
        }
    }
}
