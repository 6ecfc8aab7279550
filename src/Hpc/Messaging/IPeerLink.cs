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
}
