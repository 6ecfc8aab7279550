using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using Hpc.Bootstrap;

namespace Hpc.Transport.Tcp;

/// <summary>
/// Mutual proof of the job secret on a fresh peer connection, before any frame is read.
/// Every message has a fixed size, so a stranger can make us read at most a few dozen bytes.
/// <code>
/// acceptor  → connector  "HPC1" nonceA(32 hex)
/// connector → acceptor   "HPC1" rank(int32) nonceC(32 hex) proof(64 hex) of (nonceA, "connector:rank")
/// acceptor  → connector  rank(int32) proof(64 hex) of (nonceC, "acceptor:rank")
/// </code>
/// The socket stays non-blocking throughout and waits in poll(2) (<c>Socket.Poll</c>):
/// a blocking receive with a timeout would be emulated by .NET through its epoll thread, and the
/// socket would stay registered there for good, so that every segment the link later receives
/// would wake that thread and a thread-pool worker for nothing.
/// </summary>
internal static class TcpHandshake
{
    private static ReadOnlySpan<byte> Magic => "HPC1"u8;
    private const int NonceChars = 32;
    private const int ProofChars = 64;
    private const int ChallengeSize = 4 + NonceChars;
    private const int ConnectorReplySize = 4 + 4 + NonceChars + ProofChars;
    private const int AcceptorReplySize = 4 + ProofChars;

    /// <summary>Runs the acceptor side; returns the proven rank of the connector.</summary>
    /// <exception cref="AuthenticationFailedException">The peer did not prove the secret.</exception>
    public static int Accept(Socket socket, string secret, int myRank, int worldSize, TimeSpan timeout)
    {
        long deadline = Deadline(timeout);
        socket.Blocking = false;
        string nonce = RendezvousProtocol.NewNonce();
        Span<byte> challenge = stackalloc byte[ChallengeSize];
        Magic.CopyTo(challenge);
        Encoding.ASCII.GetBytes(nonce, challenge[4..]);
        SendExactly(socket, challenge, deadline);

        Span<byte> reply = stackalloc byte[ConnectorReplySize];
        ReceiveExactly(socket, reply, deadline);
        if (!reply[..4].SequenceEqual(Magic))
            throw new AuthenticationFailedException("peer did not speak the Hpc protocol");
        int peerRank = BinaryPrimitives.ReadInt32LittleEndian(reply[4..]);
        if (peerRank < 0 || peerRank >= worldSize || peerRank == myRank)
            throw new AuthenticationFailedException($"peer claims rank {peerRank}, outside 0..{worldSize - 1}");
        string peerNonce = Ascii(reply.Slice(8, NonceChars));
        string proof = Ascii(reply.Slice(8 + NonceChars, ProofChars));
        if (!RendezvousProtocol.VerifyProof(secret, nonce, "connector:" + peerRank, proof))
            throw new AuthenticationFailedException($"peer claiming rank {peerRank} did not prove the job secret");

        Span<byte> answer = stackalloc byte[AcceptorReplySize];
        BinaryPrimitives.WriteInt32LittleEndian(answer, myRank);
        Encoding.ASCII.GetBytes(RendezvousProtocol.ComputeProof(secret, peerNonce, "acceptor:" + myRank), answer[4..]);
        SendExactly(socket, answer, deadline);
        return peerRank;
    }

    /// <summary>Runs the connector side against the expected rank.</summary>
    /// <exception cref="AuthenticationFailedException">The acceptor did not prove the secret.</exception>
    public static void Connect(Socket socket, string secret, int myRank, int expectedPeerRank, TimeSpan timeout)
    {
        long deadline = Deadline(timeout);
        socket.Blocking = false;
        Span<byte> challenge = stackalloc byte[ChallengeSize];
        ReceiveExactly(socket, challenge, deadline);
        if (!challenge[..4].SequenceEqual(Magic))
            throw new AuthenticationFailedException($"rank {expectedPeerRank}'s endpoint did not speak the Hpc protocol");
        string nonce = Ascii(challenge[4..]);
        string myNonce = RendezvousProtocol.NewNonce();

        Span<byte> reply = stackalloc byte[ConnectorReplySize];
        Magic.CopyTo(reply);
        BinaryPrimitives.WriteInt32LittleEndian(reply[4..], myRank);
        Encoding.ASCII.GetBytes(myNonce, reply[8..]);
        Encoding.ASCII.GetBytes(RendezvousProtocol.ComputeProof(secret, nonce, "connector:" + myRank), reply[(8 + NonceChars)..]);
        SendExactly(socket, reply, deadline);

        Span<byte> answer = stackalloc byte[AcceptorReplySize];
        ReceiveExactly(socket, answer, deadline);
        int peerRank = BinaryPrimitives.ReadInt32LittleEndian(answer);
        if (peerRank != expectedPeerRank
            || !RendezvousProtocol.VerifyProof(secret, myNonce, "acceptor:" + peerRank, Ascii(answer[4..])))
            throw new AuthenticationFailedException($"endpoint of rank {expectedPeerRank} did not prove the job secret");
    }

    private static string Ascii(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            if (!char.IsAsciiHexDigit((char)b))
                throw new AuthenticationFailedException("handshake field is not hexadecimal");
        }
        return Encoding.ASCII.GetString(bytes);
    }

    private static long Deadline(TimeSpan timeout) => Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    private static void ReceiveExactly(Socket socket, Span<byte> buffer, long deadline)
    {
        int received = 0;
        while (received < buffer.Length)
        {
            int n = socket.Receive(buffer[received..], SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                WaitFor(socket, SelectMode.SelectRead, deadline, received, buffer.Length);
                continue;
            }
            if (error != SocketError.Success)
                throw new SocketException((int)error);
            if (n == 0)
                throw new AuthenticationFailedException($"connection closed during the handshake after {received} of {buffer.Length} bytes");
            received += n;
        }
    }

    private static void SendExactly(Socket socket, ReadOnlySpan<byte> bytes, long deadline)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            int n = socket.Send(bytes[sent..], SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                WaitFor(socket, SelectMode.SelectWrite, deadline, sent, bytes.Length);
                continue;
            }
            if (error != SocketError.Success)
                throw new SocketException((int)error);
            sent += n;
        }
    }

    /// <summary>Sleeps in poll(2) until the socket is ready or the handshake's time is up.</summary>
    private static void WaitFor(Socket socket, SelectMode mode, long deadline, int done, int total)
    {
        long left = deadline - Stopwatch.GetTimestamp();
        if (left <= 0)
            throw new AuthenticationFailedException($"the handshake timed out after {done} of {total} bytes");
        // Socket.Poll takes microseconds but sleeps whole milliseconds: at least one.
        socket.Poll((int)Math.Clamp(left * 1_000_000 / Stopwatch.Frequency, 1000, 100_000), mode);
    }

    /// <summary>A peer failed to prove the job secret; the connection is dropped.</summary>
    internal sealed class AuthenticationFailedException(string message) : CryptographicException(message);
}
