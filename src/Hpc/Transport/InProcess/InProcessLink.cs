using Hpc.Messaging;

namespace Hpc.Transport.InProcess;

/// <summary>
/// A link whose peer lives in this process: frames are handed straight to the peer's matching
/// engine on the sending thread. It carries send-to-self (the Self transport) and the
/// ranks-as-threads worlds that the unit tests build.
/// </summary>
internal sealed class InProcessLink(MatchingEngine peer, int sourceWorldRank, long eagerLimit) : IPeerLink
{
    /// <inheritdoc />
    public long EagerLimit => eagerLimit;

    /// <inheritdoc />
    public void Send(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (header.Kind == FrameKind.RendezvousData)
            peer.OnRendezvousData(header.ReceiverId, header.Offset, payload);
        else
            peer.OnFrame(sourceWorldRank, header, payload);
    }

    /// <inheritdoc />
    public void Dispose() { }
}
