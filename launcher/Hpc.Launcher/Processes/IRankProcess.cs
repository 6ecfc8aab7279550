namespace Hpc.Launcher;

/// <summary>
/// One rank as the job supervises it, wherever it runs: a child process of mpirun
/// (<see cref="RankProcess"/>) or a process a daemon started on another host (<see cref="RemoteRank"/>).
/// </summary>
internal interface IRankProcess : IDisposable
{
    /// <summary>World rank.</summary>
    int Rank { get; }

    /// <summary>Process id on its host; 0 while a remote rank has not been reported started.</summary>
    int Pid { get; }

    /// <summary>Completes when the process has exited (its output may still be on the way).</summary>
    Task Exited { get; }

    /// <summary>Completes when all of its output was forwarded.</summary>
    Task OutputDrained { get; }

    /// <summary>True once the process has exited.</summary>
    bool HasExited { get; }

    /// <summary>The exit code; 128+N for a death by signal N (how .NET reports it on Unix).</summary>
    int ExitCode { get; }

    /// <summary>Kills the process and what it started, without waiting.</summary>
    void Kill();
}
