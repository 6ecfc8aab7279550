using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hpc.Messaging;

namespace Hpc.Transport.InProcess;

/// <summary>
/// A link whose peer lives in this process: frames are handed straight to the peer's matching
/// messaging layer on the sending thread. It carries send-to-self (the Self transport) and the
/// ranks-as-threads worlds that the unit tests build.
/// </summary>
/// <param name="peer">The peer's messaging layer, which frames are handed to.</param>
/// <param name="sourceWorldRank">This rank, as the peer sees the frames' source.</param>
/// <param name="eagerLimit">Largest message sent eagerly.</param>
/// <param name="copies">Which direct copies the link offers.</param>
/// <param name="inboundClaims">Pinned claim words for the peer's large messages to this rank (shared copies); null for none.</param>
/// <param name="outboundClaims">The peer's link's <paramref name="inboundClaims"/>.</param>
internal sealed unsafe class InProcessLink(IFrameSink peer, int sourceWorldRank, long eagerLimit, InProcessCopies copies = InProcessCopies.None,
    long[]? inboundClaims = null, long[]? outboundClaims = null)
    : IPeerLink
{
    /// <summary>Claim words for one direction of a pair of ranks, pinned so both links may hold pointers to them.</summary>
    public static long[] NewCopyClaims() => GC.AllocateArray<long>(SharedCopy.ClaimWords, pinned: true);

    /// <inheritdoc />
    public long* InboundCopyClaims => inboundClaims is null ? null : (long*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(inboundClaims));

    /// <inheritdoc />
    public long* OutboundCopyClaims => outboundClaims is null ? null : (long*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(outboundClaims));

    /// <inheritdoc />
    public bool CanPull => copies != InProcessCopies.None;

    /// <inheritdoc />
    public bool TryPull(int pid, long address, byte* destination, long length)
    {
        if (copies is InProcessCopies.None or InProcessCopies.WriteOnly || pid != Environment.ProcessId)
            return false;
        Buffer.MemoryCopy((void*)address, destination, length, length);
        return true;
    }

    /// <inheritdoc />
    public bool TryPush(int pid, long address, byte* source, long length)
    {
        if (copies is InProcessCopies.None or InProcessCopies.ReadOnly || pid != Environment.ProcessId)
            return false;
        Buffer.MemoryCopy(source, (void*)address, length, length);
        return true;
    }

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

/// <summary>
/// Which direct copies an in-process link offers, as the shared-memory transport does with
/// process_vm_readv/writev; the refusing modes exercise the fallbacks of the rendezvous protocol.
/// </summary>
internal enum InProcessCopies
{
    /// <summary>Large messages travel in chunks through the link.</summary>
    None,
    /// <summary>The receiver reads and the sender writes straight between the buffers.</summary>
    ReadAndWrite,
    /// <summary>Reads work; writes are refused (the sender streams its half).</summary>
    ReadOnly,
    /// <summary>Reads are advertised but refused (the receiver asks for its half to be streamed).</summary>
    WriteOnly,
}
