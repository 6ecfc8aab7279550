using System.Globalization;

namespace Hpc.Launcher;

/// <summary>Ending every process of a job and removing its files, whichever way it ends.</summary>
internal sealed partial class Job
{
    /// <summary>
    /// Ends every process of the job: KILL over the rendezvous, SIGTERM to every descendant,
    /// <see cref="TerminationGrace"/> for the ranks to exit, then SIGKILL to whatever is left.
    /// Idempotent: later callers await the first call.
    /// </summary>
    private Task TerminateAsync(string reason)
    {
        lock (_lock)
            return _termination ??= Task.Run(() => TerminateCoreAsync(reason));
    }

    private async Task TerminateCoreAsync(string reason)
    {
        IRankProcess[] ranks = [.. _ranks.Where(r => r is not null).Select(r => r!), .. SpawnedProcesses()];
        if (ranks.Any(r => !r.HasExited))
        {
            await Task.WhenAll(SpawnedWorlds().Select(world => world.Server.SendKillAsync(reason, TimeSpan.FromMilliseconds(200)))
                .Append(_server.SendKillAsync(reason, TimeSpan.FromMilliseconds(200)))).ConfigureAwait(false);
        }
        // Each daemon ends its host's ranks (and whatever they left behind) and then disconnects.
        foreach (RemoteHost host in _remoteHosts.Values)
            host.SendKill(reason);
        Task daemonsGone = Task.WhenAll(_remoteHosts.Values.Select(h => h.Closed));

        if (OperatingSystem.IsLinux())
        {
            // A launch agent and what runs under it are left to the daemon's orderly end (an agent
            // like `ip netns exec` keeps the daemon on this machine); SIGKILL below catches stragglers.
            var agents = new HashSet<int>(_remoteHosts.Values.Where(h => h.AgentPid > 0)
                .SelectMany(h => ProcessTree.Descendants(h.AgentPid).Select(e => e.Pid).Append(h.AgentPid)));
            ProcessTree.SignalDescendants(ProcessTree.SigTerm, agents);
            await Task.WhenAny(Task.WhenAll(ranks.Select(r => r.Exited)), Task.Delay(TerminationGrace)).ConfigureAwait(false);
        }
        // A daemon takes the same grace for its ranks, plus the round trip to report them.
        await Task.WhenAny(daemonsGone, Task.Delay(TerminationGrace + TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        foreach (IRankProcess rank in ranks)
            rank.Kill();
        await KillRemainingAsync().ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(ranks.Select(r => r.Exited)), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
    }

    /// <summary>SIGKILLs every live descendant and reaps orphaned zombies until none is left.</summary>
    private Task KillRemainingAsync() =>
        // Children that Process objects wait for (local ranks, launch agents) must not be reaped here.
        ProcessTree.KillDescendantsAsync(new HashSet<int>(_ranks.OfType<RankProcess>().Concat(SpawnedProcesses().OfType<RankProcess>()).Select(r => r.Pid)
            .Concat(_remoteHosts.Values.Select(h => h.AgentPid))), _log);

    private async Task DrainAsync()
    {
        Task[] drains = [.. _ranks.Where(r => r is not null).Select(r => r!.OutputDrained), .. SpawnedProcesses().Select(p => p.OutputDrained),
            .. _remoteHosts.Values.Select(h => h.AgentOutputDrained)];
        Task all = Task.WhenAll(drains);
        if (await Task.WhenAny(all, Task.Delay(DrainLimit)).ConfigureAwait(false) != all)
            _log("some output pipes stayed open after every process ended; not waiting for them");
    }

    /// <summary>Deletes the job's shared-memory files on this host.</summary>
    private void CleanSharedMemory() => SharedMemoryFiles.Remove(JobId, _sink.Message, _log);
}
