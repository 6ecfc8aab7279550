using System.Net.Sockets;

namespace Hpc.Transport.SharedMemory;

/// <summary>
/// A doorbell of an inbox that poll(2) can wait on beside TCP sockets: a Unix datagram socket
/// bound to an abstract name derived from the inbox's file name. The futex doorbell cannot be
/// polled, so a rank with peers on other hosts and on its own could otherwise only sleep on one
/// kind of arrival, and would need a reader thread to hand it the other (two wake-ups per
/// message). Senders ring it only while the owner announces such a sleeper
/// (<see cref="SharedMemoryInbox.PollSleepersOf"/>); a datagram is only a wake-up, never data.
/// </summary>
internal sealed class InboxBell : IDisposable
{
    private readonly Socket _socket;

    private InboxBell(Socket socket) => _socket = socket;

    /// <summary>The abstract socket name of the bell of the inbox at <paramref name="inboxPath"/> (Linux only).</summary>
    public static UnixDomainSocketEndPoint EndPointFor(string inboxPath) => new("\0" + inboxPath + "-bell");

    /// <summary>Binds the bell of the inbox at <paramref name="inboxPath"/>; null where abstract Unix sockets are unavailable.</summary>
    public static InboxBell? TryOpen(string inboxPath)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        Socket? socket = null;
        try
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
            socket.Bind(EndPointFor(inboxPath));
            return new InboxBell(socket);
        }
        catch (SocketException)
        {
            socket?.Dispose();
            return null;
        }
    }

    /// <summary>The descriptor to poll for readability.</summary>
    public int Descriptor => (int)_socket.SafeHandle.DangerousGetHandle();

    /// <summary>Reads away every ring, so the next poll sleeps until a new one.</summary>
    public void Drain()
    {
        Span<byte> datagram = stackalloc byte[16];
        while (_socket.Receive(datagram, SocketFlags.None, out SocketError error) > 0 && error == SocketError.Success)
        {
        }
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();
}

/// <summary>The sending side of a peer's <see cref="InboxBell"/>: connects on the first ring, then one send(2) per ring.</summary>
internal sealed class InboxBellRinger : IDisposable
{
    private static readonly byte[] Ring = [1];
    private readonly string _peerInboxPath;
    private readonly Lock _lock = new();
    private Socket? _socket;

    public InboxBellRinger(string peerInboxPath) => _peerInboxPath = peerInboxPath;

    /// <summary>Wakes the peer's pollers. A full socket is already readable and a bell not bound (yet) has no sleeper: both are ignored.</summary>
    public void RingBell()
    {
        lock (_lock)
        {
            if (_socket is null)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
                try
                {
                    socket.Connect(InboxBell.EndPointFor(_peerInboxPath));
                }
                catch (SocketException)
                {
                    socket.Dispose();
                    return;
                }
                _socket = socket;
            }
            _socket.Send(Ring, SocketFlags.None, out SocketError _);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
            _socket?.Dispose();
    }
}
