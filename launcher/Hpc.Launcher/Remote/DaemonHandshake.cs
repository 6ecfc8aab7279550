using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>
/// The mutual proof of the job secret that opens every daemon connection
/// (<see cref="DaemonProtocol"/>): mpirun challenges, the daemon proves and challenges back,
/// mpirun proves. Each side uses a fresh nonce and a role string naming the host, so a proof can
/// be neither replayed nor reflected.
/// </summary>
internal static class DaemonHandshake
{
    /// <summary>How long either side waits for the other's handshake frame.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>mpirun's side; returns the host the daemon proved it serves, or null when it failed.</summary>
    public static async Task<string?> AcceptAsync(FrameChannel channel, string secret, CancellationToken cancellationToken)
    {
        string nonce = RendezvousProtocol.NewNonce();
        channel.Write(DaemonFrame.Challenge, w => w.Write(nonce));
        if (await channel.ReadAsync(DaemonProtocol.MaxHandshakePayload, cancellationToken).ConfigureAwait(false) is not { Type: DaemonFrame.Hello } hello)
            return null;
        PayloadReader reader = FrameChannel.Reader(hello.Payload);
        string host = reader.String();
        string daemonNonce = reader.String();
        string proof = reader.String();
        if (host.Length == 0 || !IsHex(daemonNonce) || !IsHex(proof)
            || !RendezvousProtocol.VerifyProof(secret, nonce, DaemonProtocol.DaemonRole(host), proof))
            return null;
        channel.Write(DaemonFrame.Welcome, w => w.Write(RendezvousProtocol.ComputeProof(secret, daemonNonce, DaemonProtocol.LauncherRole(host))));
        return host;
    }

    /// <summary>The daemon's side for <paramref name="host"/>.</summary>
    /// <exception cref="InvalidDataException">mpirun did not prove the secret or broke the protocol.</exception>
    public static async Task ConnectAsync(FrameChannel channel, string secret, string host, CancellationToken cancellationToken)
    {
        if (await channel.ReadAsync(DaemonProtocol.MaxHandshakePayload, cancellationToken).ConfigureAwait(false) is not { Type: DaemonFrame.Challenge } challenge)
            throw new InvalidDataException("mpirun did not send a challenge");
        string nonce = FrameChannel.Reader(challenge.Payload).String();
        if (!IsHex(nonce))
            throw new InvalidDataException("mpirun sent a malformed challenge");
        string myNonce = RendezvousProtocol.NewNonce();
        channel.Write(DaemonFrame.Hello, w =>
        {
            w.Write(host);
            w.Write(myNonce);
            w.Write(RendezvousProtocol.ComputeProof(secret, nonce, DaemonProtocol.DaemonRole(host)));
        });
        if (await channel.ReadAsync(DaemonProtocol.MaxHandshakePayload, cancellationToken).ConfigureAwait(false) is not { Type: DaemonFrame.Welcome } welcome)
            throw new InvalidDataException("mpirun rejected this daemon (wrong job secret?)");
        string proof = FrameChannel.Reader(welcome.Payload).String();
        if (!IsHex(proof) || !RendezvousProtocol.VerifyProof(secret, myNonce, DaemonProtocol.LauncherRole(host), proof))
            throw new InvalidDataException("the peer did not prove the job secret; it is not this job's mpirun");
    }

    private static bool IsHex(string text) => text.Length is > 0 and <= 128 && text.All(char.IsAsciiHexDigit);
}
