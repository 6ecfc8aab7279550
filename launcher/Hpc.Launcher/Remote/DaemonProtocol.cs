namespace Hpc.Launcher;

/// <summary>
/// The framed protocol between mpirun and a per-host daemon, over one TCP connection the daemon
/// opens back to mpirun. Output travels as raw bytes, so frames are binary:
/// <c>type (1 byte) | payload length (uint32, little endian) | payload</c>, with strings and
/// integers in the payload as <see cref="System.IO.BinaryWriter"/> writes them.
/// <code>
/// mpirun → daemon   Challenge   nonce
/// daemon → mpirun   Hello       host, nonce, proof of (mpirun's nonce, "daemon:" host)
/// mpirun → daemon   Welcome     proof of (daemon's nonce, "launcher:" host)
/// mpirun → daemon   Spawn       rank, file, arguments, environment, working directory ("" = the daemon's)
/// mpirun → daemon   Kill        reason: end every rank and exit
/// daemon → mpirun   Started     rank, pid          StartFailed   rank, message
/// daemon → mpirun   Output      rank, stream, whole lines
/// daemon → mpirun   Exited      rank, exit code    Drained       rank (all its output was sent)
/// </code>
/// Both sides prove the job secret (<see cref="Hpc.Bootstrap.RendezvousProtocol.ComputeProof"/>)
/// before anything else is accepted: the daemon runs whatever a Spawn names, so it must know
/// the frame came from mpirun, and mpirun must know the output came from its daemon.
/// </summary>
internal static class DaemonProtocol
{
    /// <summary>Longest payload before both sides are authenticated.</summary>
    public const int MaxHandshakePayload = 1024;

    /// <summary>Longest payload afterwards: one forwarded chunk of output with room for its header.</summary>
    public const int MaxPayload = OutputForwarder.MaxLineBytes + 64 * 1024;

    /// <summary>Role string proved by a daemon for <paramref name="host"/>.</summary>
    public static string DaemonRole(string host) => "daemon:" + host;

    /// <summary>Role string proved by mpirun to the daemon of <paramref name="host"/>.</summary>
    public static string LauncherRole(string host) => "launcher:" + host;
}

/// <summary>Frame types of <see cref="DaemonProtocol"/>.</summary>
internal enum DaemonFrame : byte
{
    /// <summary>mpirun's nonce.</summary>
    Challenge = 1,
    /// <summary>The daemon's host, nonce and proof.</summary>
    Hello = 2,
    /// <summary>mpirun's proof.</summary>
    Welcome = 3,
    /// <summary>Start one rank.</summary>
    Spawn = 4,
    /// <summary>End every rank of the host and exit.</summary>
    Kill = 5,
    /// <summary>A rank runs, with its pid.</summary>
    Started = 6,
    /// <summary>A rank could not be started.</summary>
    StartFailed = 7,
    /// <summary>Whole lines a rank wrote.</summary>
    Output = 8,
    /// <summary>A rank exited, with its code.</summary>
    Exited = 9,
    /// <summary>A rank's output is complete.</summary>
    Drained = 10,
}
