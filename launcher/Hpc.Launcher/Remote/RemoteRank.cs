using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// A process that a daemon runs on another host (a rank of the job or a spawned child), seen from
/// mpirun: its state follows what the daemon reports (<see cref="DaemonFrame.Started"/>,
/// <see cref="DaemonFrame.StartFailed"/>, <see cref="DaemonFrame.Exited"/>,
/// <see cref="DaemonFrame.Drained"/>), and ends when the daemon's connection does.
/// </summary>
/// <param name="rank">Its rank in its own world.</param>
/// <param name="process">Its job-wide process number, which names it to the daemon.</param>
/// <param name="host">The host it runs on.</param>
internal sealed class RemoteRank(int rank, int process, RemoteHost host) : IRankProcess
{
    /// <summary>Exit code given to a rank whose daemon vanished before reporting it (ssh's code for a lost connection).</summary>
    public const int LostExitCode = 255;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile int _pid;
    private int _exitCode = LostExitCode;

    /// <inheritdoc />
    public int Rank { get; } = rank;

    /// <summary>The job-wide number the daemon knows it by (<see cref="DaemonProtocol"/>).</summary>
    public int Process { get; } = process;

    /// <summary>
    /// Completes when the daemon reports it running; faults with an <see cref="IOException"/>
    /// naming the host and the reason when the daemon could not start it; is canceled when the
    /// daemon's connection ended first.
    /// </summary>
    public Task Started => _started.Task;

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

    /// <summary>Has the daemon kill this process alone; the job's end reaches every process of a host by <see cref="RemoteHost.SendKill"/>.</summary>
    public void Kill() => Host.End(Process);

    /// <summary>The daemon started the rank as <paramref name="pid"/>.</summary>
    public void OnStarted(int pid)
    {
        _pid = pid;
        _started.TrySetResult();
    }

    /// <summary>The daemon could not start it, for <paramref name="reason"/> (which names the host).</summary>
    public void OnStartFailed(string reason) => _started.TrySetException(new IOException(reason));

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
        _started.TrySetCanceled();
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
