using System.Buffers;
using Hpc.Messaging;

namespace Hpc.Transport.InProcess;

/// <summary>
/// A link whose peer lives in this process: frames are handed straight to the peer's matching
/// engine on the sending thread. It carries send-to-self (the Self transport) and the
/// ranks-as-threads worlds that the unit tests build.
/// </summary>
internal sealed unsafe class InProcessLink(MatchingEngine peer, int sourceWorldRank, long eagerLimit) : IPeerLink
{
    /// <inheritdoc />
    public long EagerLimit => eagerLimit;

    /// <inheritdoc />
    public void Send(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        // Every payload handed to a link is pinned by the caller, so the span can be viewed as
        // memory for the peer's copy without copying it first.
        ReadOnlySequence<byte> data = payload.IsEmpty
            ? ReadOnlySequence<byte>.Empty
            : new ReadOnlySequence<byte>(new PinnedMemory(payload).Memory);
        if (header.Kind == FrameKind.RendezvousData)
            peer.OnRendezvousData(header.ReceiverId, header.Offset, data);
        else
            peer.OnFrame(sourceWorldRank, header, data);
    }

    /// <inheritdoc />
    public void Dispose() { }

    private sealed class PinnedMemory : MemoryManager<byte>
    {
        private readonly byte* _pointer;
        private readonly int _length;

        public PinnedMemory(ReadOnlySpan<byte> pinned)
        {
            fixed (byte* p = pinned)
                _pointer = p;
            _length = pinned.Length;
        }

        public override Span<byte> GetSpan() => new(_pointer, _length);
        public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);
        public override void Unpin() { }
        protected override void Dispose(bool disposing) { }
    }
}
