using Hpc.Messaging;
using Xunit;

namespace Hpc.Tests;

/// <summary>
/// Throws seeded random and mutated frames at the decoding path (header validation, then the
/// matching engine): every bad frame must be rejected as a protocol violation — never another
/// exception, never a buffer sized from an unchecked length.
/// </summary>
public class FrameFuzzTests
{
    private static readonly FrameLimits Limits = new(MaxEagerBytes: 4096, MaxChunkBytes: 65536);

    [Fact]
    public void HundredThousandMutatedFramesAreRejectedOrHandledCleanly()
    {
        RankRuntime[] world = RankRuntime.CreateInProcessWorld(2, eagerLimit: 4096);
        Messenger engine = world[0].Engine;
        var random = new Random(20261122);
        var valid = new FrameHeader(FrameKind.Eager, FrameFlags.None, 0, 1, 5, 16);
        var bytes = new byte[FrameHeader.Size];
        var payload = new byte[70_000];
        int rejected = 0, accepted = 0;
        for (int i = 0; i < 100_000; i++)
        {
            valid.Write(bytes);
            // Mutate 1–4 random bytes of a valid header, or replace it entirely.
            if (i % 10 == 0)
                random.NextBytes(bytes);
            else
            {
                for (int m = random.Next(1, 5); m > 0; m--)
                    bytes[random.Next(FrameHeader.Size)] = (byte)random.Next(256);
            }
            try
            {
                FrameHeader header = FrameHeader.Read(bytes, Limits);
                Assert.InRange(header.PayloadLength, 0, Limits.MaxPayloadBytes);
                ReadOnlySpan<byte> body = payload.AsSpan(0, (int)header.PayloadLength);
                if (header.Kind == FrameKind.RendezvousData)
                    engine.OnRendezvousData(header.ReceiverId, header.Offset, body);
                else if (header.Kind == FrameKind.RendezvousRequest || header.Kind == FrameKind.ClearToSend)
                    engine.OnFrame(1, header with { Kind = FrameKind.ClearToSend }, body); // never start real sends from fuzz
                else
                    engine.OnFrame(1, header, body);
                accepted++;
            }
            catch (ProtocolViolationException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 50_000, $"only {rejected} of 100000 mutated frames were rejected");
        // What was accepted are eager messages within the bound, queued as unexpected.
        Assert.True(engine.UnexpectedCount <= accepted);
    }
}
