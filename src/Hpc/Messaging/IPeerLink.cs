namespace Hpc.Messaging;

/// <summary>
/// The narrow interface every transport offers the messaging layer: an ordered, reliable
/// channel of frames to one peer. Frames sent through one link arrive in the order sent.
/// </summary>
internal interface IPeerLink : IDisposable
{
    /// <summary>Messages up to this many bytes travel eagerly; larger ones use the rendezvous protocol.</summary>
    long EagerLimit { get; }

    /// <summary>
    /// Sends one frame. Safe to call from several threads; frames never interleave. May block
    /// while the transport applies back-pressure.
    /// </summary>
    void Send(in FrameHeader header, ReadOnlySpan<byte> payload);

    /// <summary>
    /// Makes receive progress on the calling thread if data is waiting and no other thread is
    /// reading this link; returns true when something was read. Links whose frames arrive by
    /// other means return false.
    /// </summary>
    bool Poll() => false;

    /// <summary>
    /// True when frames arrive only through <see cref="Poll"/>, so the engine must poll this
    /// link; false (the default) for links whose peer hands frames over itself.
    /// </summary>
    bool NeedsPolling => false;

    /// <summary>
    /// True when a send that has to wait for room tells the engine itself
    /// (<see cref="ProgressEngine.BeginBlockedSend"/>), so a thread writing bulk data keeps
    /// the background readers parked until it really waits.
    /// </summary>
    bool StartsReadersWhenBlocked => false;

    /// <summary>Largest rendezvous data chunk sent in one frame on this link.</summary>
    long MaxChunkBytes => RendezvousProtocol.ChunkBytes;

    /// <summary>True when the receiver may copy large messages straight out of the sender's memory.</summary>
    bool CanPull => false;

    /// <summary>
    /// Copies <paramref name="length"/> bytes from address <paramref name="address"/> of process
    /// <paramref name="pid"/> (the peer) into <paramref name="destination"/>; false when not possible.
    /// </summary>
    unsafe bool TryPull(int pid, long address, byte* destination, long length) => false;

    /// <summary>
    /// Copies <paramref name="length"/> bytes from <paramref name="source"/> to address
    /// <paramref name="address"/> of process <paramref name="pid"/> (the peer); false when not possible.
    /// </summary>
    unsafe bool TryPush(int pid, long address, byte* source, long length) => false;

    /// <summary>
    /// <see cref="SharedCopy.ClaimWords"/> words that this rank and the peer both map, from which
    /// both claim the segments of large messages the peer sends to this rank; null where the link
    /// has none (no split copies then).
    /// </summary>
    unsafe long* InboundCopyClaims => null;

    /// <summary>The peer's <see cref="InboundCopyClaims"/> for this link: the words for messages this rank sends to it.</summary>
    unsafe long* OutboundCopyClaims => null;
}
