using System.ComponentModel;
using System.Globalization;
using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>
/// Dynamic processes (<c>Communicator.Spawn</c>): a rank's <c>SPAWN</c> request starts a new world
/// with a rendezvous server of its own, supervised like the job's ranks; the parents' and
/// children's <c>CONNECT</c> requests meet here and go back to all of them as one table.
/// </summary>
/// <remarks>
/// With a host list, children are placed over the job's hosts by <see cref="Placement.PlaceSpawn"/>
/// (the slots the job's ranks and live children leave free, then round-robin) and started as the
/// job's ranks are: here for a host that is this machine, through the host's daemon otherwise
/// (<see cref="RemoteHost.Add"/>). Without one they run on mpirun's host. Children are unpinned,
/// their stdin closed; their output is tagged as Open MPI tags a spawned job (<c>[2,rank]</c> for
/// the first spawn). The parents' answer waits until every child runs, so a child that cannot be
/// started fails the Spawn, not the job. The job completes when every rank and every child has
/// exited cleanly; a child that fails ends the job like a rank, named by its spawn, its rank
/// there and its host.
/// </remarks>
internal sealed partial class Job
{
    private readonly List<SpawnedWorld> _spawned = [];
    private int _spawnsStarted;
    private readonly Dictionary<string, SpawnMeeting> _meetings = new(StringComparer.Ordinal);
    // Live children per host index of the placement (index 0 alone without one), under _lock:
    // with the job's ranks, what the next spawn's placement counts as in use.
    private int[]? _childrenOn;
    // The next job-wide process number for a child (DaemonProtocol); the ranks have 0..Ranks-1. Under _lock.
    private int _nextProcess;

    /// <summary>One spawned world: its number (1 for the job's first spawn), its server, its processes and their hosts.</summary>
    private sealed class SpawnedWorld(int number, string id, int parents, RendezvousServer server, RankOutput[] outputs, int[] hostOf, int firstProcess)
    {
        public int Number { get; } = number;
        public string Id { get; } = id;
        public int Parents { get; } = parents;
        public RendezvousServer Server { get; } = server;
        public RankOutput[] Outputs { get; } = outputs;
        public IRankProcess?[] Processes { get; } = new IRankProcess?[outputs.Length];
        /// <summary>Host index in the job's placement of each rank (all 0 without a placement).</summary>
        public int[] HostOf { get; } = hostOf;
        /// <summary>Job-wide process number of rank 0; the others follow.</summary>
        public int FirstProcess { get; } = firstProcess;
        /// <summary>Per rank, 1 once it no longer counts as in use on its host.</summary>
        public int[] Released { get; } = new int[outputs.Length];
        public int CleanExits;
        /// <summary>Set when not every process could be started: the started ones are killed, and their deaths are no failure of the job.</summary>
        public volatile bool Abandoned;
    }

    /// <summary>The CONNECT lines of one spawn's members, until all have arrived.</summary>
    private sealed class SpawnMeeting(int total)
    {
        public string?[] Lines { get; } = new string?[total];
        public (RendezvousServer Server, int Rank)?[] Members { get; } = new (RendezvousServer, int)?[total];
        public int Count;
    }

    /// <summary>Handles spawn requests of the ranks <paramref name="server"/> serves (the job's own or a spawned world's).</summary>
    private void ServeSpawns(RendezvousServer server)
    {
        server.SpawnRequested += (from, rank, text) => _ = Task.Run(() => SpawnAsync(from, rank, text));
        server.ConnectRequested += (from, rank, text) => _ = Task.Run(() => MeetAsync(from, rank, text));
    }

    /// <summary>Every spawned process so far.</summary>
    private IRankProcess[] SpawnedProcesses()
    {
        lock (_lock)
            return [.. _spawned.SelectMany(world => world.Processes).Where(p => p is not null).Select(p => p!)];
    }

    private SpawnedWorld[] SpawnedWorlds()
    {
        lock (_lock)
            return [.. _spawned];
    }

    /// <summary>SPAWN &lt;id&gt; &lt;count&gt; &lt;parents&gt; [host:&lt;hosts&gt;] &lt;directory&gt; &lt;command&gt; &lt;arguments…&gt; (the words after the counts base64; see RendezvousClient.Spawn).</summary>
    private async Task SpawnAsync(RendezvousServer from, int rank, string text)
    {
        string[] words = text.Split(' ');
        if (words.Length < 5)
        {
            _log($"rank {rank} sent a malformed SPAWN; ignored");
            return;
        }
        string id = words[0];
        string answer;
        try
        {
            if (!int.TryParse(words[1], CultureInfo.InvariantCulture, out int count) || count < 1
                || !int.TryParse(words[2], CultureInfo.InvariantCulture, out int parents) || parents < 1)
                throw new FormatException("malformed SPAWN request");
            int next = 3;
            string[] hosts = [];
            if (words[next].StartsWith(RendezvousClient.HostsPrefix, StringComparison.Ordinal))
                hosts = RendezvousClient.Decode(words[next++][RendezvousClient.HostsPrefix.Length..]).Split(',');
            if (words.Length < next + 2)
                throw new FormatException("malformed SPAWN request");
            string directory = RendezvousClient.Decode(words[next]);
            string command = RendezvousClient.Decode(words[next + 1]);
            string[] arguments = [.. words[(next + 2)..].Select(RendezvousClient.Decode)];
            await StartSpawnedAsync(id, count, parents, Resolve(command, directory), arguments, directory, hosts).ConfigureAwait(false);
            answer = $"SPAWNED {id} OK";
        }
        catch (Exception e) when (e is UsageException or BuildFailedException or IOException or Win32Exception or InvalidOperationException or FormatException or OperationCanceledException)
        {
            _log($"spawn {id} failed: {e.Message}");
            answer = $"SPAWNED {id} ERROR {e.Message}";
        }
        await from.SendLinesAsync(rank, [answer]).ConfigureAwait(false);
    }

    /// <summary>The spawned program, resolved as the command line's, relative to the spawning rank's directory.</summary>
    private ResolvedProgram Resolve(string command, string directory)
    {
        string candidate = Path.IsPathRooted(command) ? command : Path.Combine(directory, command);
        string program = File.Exists(candidate) || Directory.Exists(candidate) ? candidate : command;
        return ProgramResolver.Resolve(program, _log, _sink.Message);
    }

    private async Task StartSpawnedAsync(string id, int count, int parents, ResolvedProgram program, string[] arguments, string directory, string[] hosts)
    {
        int number, firstProcess;
        int[] hostOf;
        Placement? placement = _spec.Placement;
        IReadOnlyList<int>? only = SpawnHosts(hosts);
        lock (_lock)
        {
            if (_termination is not null || _ending.Task.IsCompleted)
                throw new InvalidOperationException("the job is ending");
            // Placed under the lock, and counted as in use at once, so two spawns at once see each
            // other's children; numbered here, not from _spawned (added to after the start), so they
            // also get two numbers.
            _childrenOn ??= new int[placement?.Hosts.Count ?? 1];
            hostOf = placement is null ? new int[count]
                : [.. Enumerable.Range(0, count).Select(placement.PlaceSpawn(count,
                    [.. Enumerable.Range(0, placement.Hosts.Count).Select(h => placement.RanksOn(h).Count + _childrenOn[h])], only).HostIndexOf)];
            foreach (int h in hostOf)
                _childrenOn[h]++;
            number = ++_spawnsStarted;
            firstProcess = _nextProcess = Math.Max(_nextProcess, _spec.Ranks);
            _nextProcess += count;
        }
        var server = new RendezvousServer(count, _secret, _log, _network.Address);
        ServeSpawns(server);
        server.AbortRequested += (rank, code, text) => _ending.TrySetResult(new ChildAborted(number, rank, code, text));
        server.FailRequested += (rank, text) => _ending.TrySetResult(new Failed(rank, text));
        server.Start();
        var world = new SpawnedWorld(number, id, parents, server,
            [.. Enumerable.Range(0, count).Select(rank => new RankOutput(rank, _spec.Output, _sink, jobNumber: number + 1))], hostOf, firstProcess);
        lock (_lock)
            _spawned.Add(world);
        _log($"spawn {number} ({id}): {count} process(es) of {program.Description}; rendezvous at {server.Address}"
            + (placement is null ? "" : "; hosts " + string.Join(",", hostOf.Select(h => placement.Hosts[h].Name))));
        var remote = new List<Task>();
        try
        {
            for (int rank = 0; rank < count; rank++)
            {
                var launch = new RankLaunch(rank, program, arguments, SpawnedEnvironment(world, rank), directory);
                IRankProcess process;
                if (placement is not null && !_network.IsLocal[hostOf[rank]])
                {
                    RemoteRank child = _remoteHosts[placement.Hosts[hostOf[rank]].Name].Add(launch, firstProcess + rank, world.Outputs[rank]);
                    remote.Add(child.Started);
                    process = child;
                }
                else
                {
                    process = RankProcess.Start(launch, world.Outputs[rank], RankStdin.Closed);
                    _log($"started spawned rank {rank} of spawn {number} as pid {process.Pid}");
                }
                world.Processes[rank] = process;
                _ = WatchSpawnedAsync(world, process);
            }
            // The answer waits for the daemons' reports, so a child they cannot start fails the
            // Spawn, as a local one does, rather than the job.
            await Task.WhenAll(remote).WaitAsync(RemoteHost.ConnectTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException or OperationCanceledException or TimeoutException)
        {
            // The parents are told Spawn failed and go on: the world must not outlive that answer,
            // nor keep the job from completing.
            world.Abandoned = true;
            lock (_lock)
                _spawned.Remove(world);
            for (int rank = 0; rank < count; rank++)
            {
                world.Processes[rank]?.Kill();
                Release(world, rank);
            }
            server.Dispose();
            string reason = e is OperationCanceledException ? "the job is ending" : e is TimeoutException ? "the daemons did not report the children started" : e.Message;
            throw new IOException($"cannot start '{program.FileName}': {reason}", e);
        }
    }

    /// <summary>
    /// The host indexes a spawn's <c>host</c> key (<see cref="RendezvousClient.HostsPrefix"/>) names,
    /// in the placement's order; null when it names none (every host).
    /// </summary>
    /// <exception cref="UsageException">A name is not one of the job's hosts (nor this machine, without a host list).</exception>
    private IReadOnlyList<int>? SpawnHosts(string[] hosts)
    {
        if (hosts.Length == 0)
            return null;
        if (_spec.Placement is not { } placement)
        {
            // Without a host list the one host is this machine, under whatever name it is asked for.
            foreach (string host in hosts)
            {
                if (!LocalHost.IsLocal(host))
                    throw new UsageException($"host '{host}' is not this machine, and the job has no host list to place children on");
            }
            return null;
        }
        List<string> names = [.. placement.Hosts.Select(x => x.Name)];
        var indexes = new SortedSet<int>();
        foreach (string host in hosts)
        {
            int h = names.IndexOf(host);
            if (h < 0)
                throw new UsageException($"host '{host}' is not one of the job's hosts ({string.Join(", ", names)})");
            indexes.Add(h);
        }
        return [.. indexes];
    }

    /// <summary>Rank <paramref name="rank"/> of <paramref name="world"/> no longer counts as in use on its host (once, whichever way it ended).</summary>
    private void Release(SpawnedWorld world, int rank)
    {
        if (Interlocked.Exchange(ref world.Released[rank], 1) == 0)
        {
            lock (_lock)
                _childrenOn![world.HostOf[rank]]--;
        }
    }

    private List<KeyValuePair<string, string>> SpawnedEnvironment(SpawnedWorld world, int rank)
    {
        static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        int count = world.Processes.Length;
        int host = world.HostOf[rank];
        Placement? placement = _spec.Placement;
        // Everything on the child's host competes for its cores: the job's ranks and every live child.
        int local;
        lock (_lock)
            local = (placement?.RanksOn(host).Count ?? _spec.Ranks) + _childrenOn![host];
        int localRank = world.HostOf.Take(rank).Count(h => h == host);
        var variables = new List<KeyValuePair<string, string>>(_spec.Environment);
        variables.AddRange(
        [
            new(JobEnvironment.RankVariable, Text(rank)),
            new(JobEnvironment.SizeVariable, Text(count)),
            new(JobEnvironment.LocalRankVariable, Text(localRank)),
            new(JobEnvironment.LocalSizeVariable, Text(local)),
            new(JobEnvironment.RendezvousVariable, world.Server.Address),
            new(JobEnvironment.JobIdVariable, JobId + "-s" + Text(world.Number)),
            new(JobEnvironment.SecretVariable, _secret),
            new(JobEnvironment.SpawnIdVariable, world.Id),
            new(JobEnvironment.SpawnParentsVariable, Text(world.Parents)),
            new("OMPI_COMM_WORLD_RANK", Text(rank)),
            new("OMPI_COMM_WORLD_SIZE", Text(count)),
            new("OMPI_COMM_WORLD_LOCAL_RANK", Text(localRank)),
            new("PMI_RANK", Text(rank)),
            new("PMI_SIZE", Text(count)),
        ]);
        // The name the child's host goes by in the placement, so the ranks and children there agree
        // on it (shared memory among a world's children on one host, TCP otherwise).
        if (placement is not null)
            variables.Add(new(JobEnvironment.HostNameVariable, placement.Hosts[host].Name));
        // A remote host's daemon replaces it with its own (RemoteHost.Add).
        if (_network.SpansHosts)
            variables.Add(new(JobEnvironment.BindAddressVariable, _network.Address.ToString()));
        return variables;
    }

    private async Task WatchSpawnedAsync(SpawnedWorld world, IRankProcess process)
    {
        await process.Exited.ConfigureAwait(false);
        Release(world, process.Rank);
        if (world.Abandoned)
            return;
        int code = process.ExitCode;
        _log($"spawned rank {process.Rank} of spawn {world.Number} (pid {process.Pid}) exited with code {code}");
        await world.Server.WaitClosedAsync(process.Rank, LastWordsLimit).ConfigureAwait(false);
        if (code != 0)
        {
            if (Signals.Of(code) is 1 or 2 or 3 or 15)
                await Task.Delay(200).ConfigureAwait(false);
            _ending.TrySetResult(new ChildExited(world.Number, process.Rank, code));
            return;
        }
        // Its parents wait in Spawn until every child has connected: one that never will hangs them.
        if (!world.Server.HasPublished(process.Rank) && !world.Server.TableSent)
        {
            _ending.TrySetResult(new ChildLeftBeforeWireUp(world.Number, process.Rank));
            return;
        }
        Interlocked.Increment(ref world.CleanExits);
        CompleteIfAllExited();
    }

    /// <summary>The job is complete once every rank and every spawned process has exited cleanly.</summary>
    private void CompleteIfAllExited()
    {
        if (Volatile.Read(ref _cleanExits) != _spec.Ranks)
            return;
        foreach (SpawnedWorld world in SpawnedWorlds())
        {
            if (Volatile.Read(ref world.CleanExits) != world.Processes.Length)
                return;
        }
        _ending.TrySetResult(new Completed());
    }

    /// <summary>CONNECT &lt;id&gt; &lt;index&gt; &lt;total&gt; &lt;candidate&gt; &lt;host&gt; &lt;endpoint&gt;: when the last member arrives, all get the table.</summary>
    private async Task MeetAsync(RendezvousServer from, int rank, string text)
    {
        string[] words = text.Split(' ', 6);
        if (words.Length != 6 || !int.TryParse(words[1], CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(words[2], CultureInfo.InvariantCulture, out int total) || total < 2 || (uint)index >= (uint)total)
        {
            _log($"rank {rank} sent a malformed CONNECT; ignored");
            return;
        }
        string id = words[0];
        SpawnMeeting? complete = null;
        lock (_lock)
        {
            if (!_meetings.TryGetValue(id, out SpawnMeeting? meeting))
                _meetings[id] = meeting = new SpawnMeeting(total);
            if (meeting.Lines.Length != total || meeting.Lines[index] is not null)
            {
                _log($"rank {rank} sent a conflicting CONNECT for spawn {id}; ignored");
                return;
            }
            meeting.Lines[index] = $"{index.ToString(CultureInfo.InvariantCulture)} {words[3]} {words[4]} {words[5]}";
            meeting.Members[index] = (from, rank);
            if (++meeting.Count == total)
            {
                complete = meeting;
                _meetings.Remove(id);
            }
        }
        if (complete is null)
            return;
        _log($"spawn {id}: all {total} members connected; sending the table");
        string[] table = [$"PEERS {id} {total.ToString(CultureInfo.InvariantCulture)}", .. complete.Lines!];
        await Task.WhenAll(complete.Members.Select(m => m!.Value.Server.SendLinesAsync(m.Value.Rank, table))).ConfigureAwait(false);
    }

    /// <summary>The hang report's part for the spawned worlds (<c>--timeout</c>): each world's processes, as the ranks'.</summary>
    private async Task<List<string>> SpawnedStatesAsync()
    {
        var lines = new List<string>();
        foreach (SpawnedWorld world in SpawnedWorlds())
        {
            string?[] answers = await world.Server.QueryAsync(QueryWait).ConfigureAwait(false);
            Hpc.Diagnostics.RankSnapshot[] states = HangReport.Snapshots(answers, rank => world.Processes[rank] switch
            {
                null => (false, false, 0),
                { HasExited: true } process => (true, true, process.ExitCode),
                _ => (true, false, 0),
            });
            lines.AddRange(HangReport.Lines($"spawn {world.Number.ToString(CultureInfo.InvariantCulture)} ({world.Processes.Length.ToString(CultureInfo.InvariantCulture)} processes, ranks of their own world) states:", states));
        }
        return lines;
    }

    private string WhoSpawned(int number, int rank)
    {
        SpawnedWorld? world = SpawnedWorlds().FirstOrDefault(w => w.Number == number);
        IRankProcess? process = world?.Processes[rank];
        string pid = process is { Pid: > 0 } ? process.Pid.ToString(CultureInfo.InvariantCulture) : "?";
        string? placed = world is not null && _spec.Placement is { } placement ? placement.Hosts[world.HostOf[rank]].Name : null;
        return $"spawned rank {rank} of spawn {number} (host {world?.Server.HostOf(rank) ?? placed ?? _hostName}, pid {pid})";
    }

    private sealed record ChildExited(int Spawn, int Rank, int ExitCode) : Ending;
    private sealed record ChildAborted(int Spawn, int Rank, int Code, string Text) : Ending;
    private sealed record ChildLeftBeforeWireUp(int Spawn, int Rank) : Ending;
}
