namespace Hpc.Messaging;

/// <summary>
/// A message that arrived before any receive matched it: either a whole eager payload, or a
/// rendezvous request that only remembers where the data waits.
/// </summary>
internal sealed class UnexpectedMessage
{
    public required int Context { get; init; }
    public required int Source { get; init; }
    public required int Tag { get; init; }
    public required long Length { get; init; }
    public required int SourceWorldRank { get; init; }
    /// <summary>Eager payload (a pooled array: its first <see cref="Length"/> bytes), or null for a rendezvous request.</summary>
    public byte[]? Payload { get; init; }
    /// <summary>The sender's operation id of a rendezvous request.</summary>
    public long SenderId { get; init; }
    /// <summary>The rendezvous request's flags and pull coordinates (see <see cref="FrameFlags.Pullable"/>).</summary>
    public FrameFlags Flags { get; init; }
    public int SenderPid { get; init; }
    public long SenderAddress { get; init; }

    public bool IsRendezvous => Payload is null;
}
