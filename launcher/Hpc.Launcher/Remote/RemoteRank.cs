using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// A rank that a daemon runs on another host, seen from mpirun: its state follows what the
/// daemon reports (<see cref="DaemonFrame.Started"/>, <see cref="DaemonFrame.Exited"/>,
/// <see cref="DaemonFrame.Drained"/>), and ends when the daemon's connection does.
/// </summary>
internal sealed class RemoteRank(int rank, RemoteHost host) : IRankProcess
{
    /// <summary>Exit code given to a rank whose daemon vanished before reporting it (ssh's code for a lost connection).</summary>
    public const int LostExitCode = 255;

    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int _pid;
    private int _exitCode = LostExitCode;

    /// <inheritdoc />
    public int Rank { get; } = rank;

    /// <summary>The host the rank runs on.</summary>
    public RemoteHost Host { get; } = host;

    /// <inheritdoc />
    public int Pid => _pid;

    /// <inheritdoc />
    public Task Exited => _exited.Task;

    /// <inheritdoc />
    public Task OutputDrained => _drained.Task;

    /// <inheritdoc />
    public bool HasExited => _exited.Task.IsCompleted;

    /// <inheritdoc />
    public int ExitCode => Volatile.Read(ref _exitCode);

    /// <summary>Ends every rank on the rank's host: a daemon ends its ranks together.</summary>
    public void Kill() => Host.SendKill("job ending");

    /// <summary>The daemon started the rank as <paramref name="pid"/>.</summary>
    public void OnStarted(int pid) => _pid = pid;

    /// <summary>The daemon saw the rank exit with <paramref name="code"/>.</summary>
    public void OnExited(int code)
    {
        if (_exited.Task.IsCompleted)
            return;
        Volatile.Write(ref _exitCode, code);
        _exited.TrySetResult();
    }

    /// <summary>All of the rank's output has arrived.</summary>
    public void OnDrained() => _drained.TrySetResult();

    /// <summary>The daemon's connection ended: nothing more will be reported.</summary>
    public void OnLost()
    {
        _exited.TrySetResult();
        _drained.TrySetResult();
    }

    /// <inheritdoc />
    public override string ToString() =>
        "rank " + Rank.ToString(CultureInfo.InvariantCulture) + " on " + Host.Name + " pid " + _pid.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
