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
/// mpirun → daemon   Spawn       process, file, arguments, environment, working directory ("" = the daemon's)
/// mpirun → daemon   End         process: kill that one (a spawn that could not start all its children)
/// mpirun → daemon   Kill        reason: end every process and exit
/// daemon → mpirun   Started     process, pid       StartFailed   process, message
/// daemon → mpirun   Output      process, stream, whole lines
/// daemon → mpirun   Exited      process, exit code Drained       process (all its output was sent)
/// </code>
/// A process is named by a job-wide number mpirun gives it: a rank of the job by its rank, a
/// process of <c>Communicator.Spawn</c> by a number from the job's size up (the spawned worlds'
/// ranks start at 0 again, so their ranks cannot name them). Spawn frames come when mpirun
/// connects and later, whenever a spawn places children on the host.
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
    /// <summary>Kill one process (and what it started), leaving the others running.</summary>
    End = 11,
}
