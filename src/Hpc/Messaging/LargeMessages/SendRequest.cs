namespace Hpc.Messaging;

/// <summary>A large send waiting for the receiver's clear-to-send.</summary>
internal sealed unsafe class SendRequest : Request
{
    public SendRequest(byte* data, long length, int destinationWorldRank)
    {
        Data = data;
        Length = length;
        DestinationWorldRank = destinationWorldRank;
    }

    public byte* Data { get; }
    public long Length { get; }
    public int DestinationWorldRank { get; }

    /// <summary>The protocol that writes the data once the receiver cleared the send.</summary>
    public RendezvousProtocol? Protocol { get; private set; }

    private int _state; // 0 waiting for clear-to-send, 1 cleared, 2 data being written
    private long _receiverId;
    // Parts that must finish before the send completes: the data written by this side, plus,
    // when both sides copy, the receiver's notice that it has stopped reading and each range it
    // asked this side to stream.
    private int _partsLeft = 1;

    /// <summary>Both sides copy (see <see cref="FrameFlags.Split"/>): where this side writes the segments it claims, and from which word.</summary>
    public bool IsSplit { get; private set; }
    public int PushPid { get; private set; }
    public long PushAddress { get; private set; }
    public int ClaimWord { get; private set; }

    /// <summary>The receiver is ready: whoever claims the request first writes the data.</summary>
    public void Clear(RendezvousProtocol sender, long receiverId)
    {
        Protocol = sender;
        _receiverId = receiverId;
        Volatile.Write(ref _state, 1);
    }

    /// <summary>Both sides copy: the receiver reads segments itself; whoever claims the request writes segments into its buffer.</summary>
    public void ClearForSplit(RendezvousProtocol sender, long receiverId, int pid, long address, int claimWord)
    {
        IsSplit = true;
        PushPid = pid;
        PushAddress = address;
        ClaimWord = claimWord;
        _partsLeft = 2;
        Clear(sender, receiverId);
    }

    /// <summary>Claims the cleared request for this thread; true exactly once.</summary>
    public bool TryClaim(out long receiverId)
    {
        receiverId = _receiverId;
        return Volatile.Read(ref _state) == 1 && Interlocked.CompareExchange(ref _state, 2, 1) == 1;
    }

    /// <summary>One more part must finish before the send completes (a range to stream).</summary>
    public void AddPart() => Interlocked.Increment(ref _partsLeft);

    /// <summary>One part of the transfer finished; the last completes the send.</summary>
    public void PartDone()
    {
        if (Interlocked.Decrement(ref _partsLeft) == 0)
            Complete(default);
    }

    internal override bool HasWorkForWaiter => Volatile.Read(ref _state) == 1;

    internal override bool CanHaveWorkForWaiter => true;

    /// <summary>
    /// Below the split size the receiver copies the whole message out of this rank's memory
    /// alone, and the sender can only wait: beside CPU-bound work, a sender that blocked after
    /// the usual 20 µs of polling woke 100-150 µs later at 256 KiB, a copy of ~14 µs; polling for
    /// the copy's length as well took 256 KiB from 34-164 µs (median 76) to 37-64 µs (median 46)
    /// in five alternating runs, quiet unchanged (2026-12-07). From the split size on both sides
    /// copy and the sender's wait restarts as its own half moves; granting it more polling there
    /// made quiet 1 MiB ping-pongs 1.5x slower (the poller shares the core's resources with the
    /// copying sibling), so it gets none.
    /// </summary>
    internal override long PeerWorkMicroseconds =>
        Length < RendezvousProtocol.SplitCopyBytes ? Waiting.WaitStrategy.CopyMicroseconds(Length) : 0;

    internal override bool AdvancesWithoutReaders => Engine?.LinkTo(DestinationWorldRank).StartsReadersWhenBlocked == true;

    internal override long ProgressMark => Volatile.Read(ref _state) + Volatile.Read(ref _partsLeft) * 4;

    /// <summary>A blocked sender writes its own data once cleared, instead of waiting for a pool thread.</summary>
    internal override void AdvanceWhileWaiting()
    {
        if (TryClaim(out long receiverId))
            Protocol!.SendData(this, receiverId);
    }
}
