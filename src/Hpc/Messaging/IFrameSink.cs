namespace Hpc.Messaging;

/// <summary>
/// Where a transport delivers what it reads (ob1's registered receive callback): the messaging
/// layer implements it, and a transport knows only this, its peers and its frames, never how
/// messages are matched or what a communicator is.
/// </summary>
internal interface IFrameSink
{
    /// <summary>
    /// A complete frame from <paramref name="sourceWorldRank"/> (everything but rendezvous data,
    /// which arrives through <see cref="OnRendezvousData"/>).
    /// </summary>
    /// <returns>
    /// True when the frame completed a receive. A link that is being polled then returns to its
    /// caller, which may be the thread waiting for that receive, before it reads further.
    /// </returns>
    /// <exception cref="ProtocolViolationException">The frame refers to an operation this rank never started.</exception>
    bool OnFrame(int sourceWorldRank, in FrameHeader header, ReadOnlySpan<byte> payload);

    /// <summary>A piece of a large message's data for the receive <paramref name="receiverId"/>.</summary>
    /// <exception cref="ProtocolViolationException">Unknown receive id, or bytes outside the announced message.</exception>
    void OnRendezvousData(long receiverId, long offset, ReadOnlySpan<byte> data);

    /// <summary>
    /// The part of a cleared receive's buffer where up to <paramref name="length"/> bytes of its
    /// data starting at <paramref name="offset"/> belong (transports that read straight into it).
    /// </summary>
    /// <exception cref="ProtocolViolationException">Unknown receive id, or bytes outside the announced message.</exception>
    Span<byte> RendezvousTarget(long receiverId, long offset, long length);

    /// <summary>Records that <paramref name="count"/> bytes landed in <see cref="RendezvousTarget"/>; the last byte completes the receive.</summary>
    void RendezvousBytesWritten(long receiverId, long count);
}
