using System.ComponentModel;
using System.Globalization;
using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>
/// Dynamic processes (<c>Communicator.Spawn</c>): a rank's <c>SPAWN</c> request starts a new world
/// on this host, with a rendezvous server of its own, supervised like the job's ranks; the parents'
/// and children's <c>CONNECT</c> requests meet here and go back to all of them as one table.
/// </summary>
/// <remarks>
/// Children run on mpirun's host, unpinned, their stdin closed; their output is tagged as Open
/// MPI tags a spawned job (<c>[2,rank]</c> for the first spawn). The job completes when every
/// rank and every child has exited cleanly; a child that fails ends the job like a rank, named by
/// its spawn and its rank there.
/// </remarks>
internal sealed partial class Job
{
    private readonly List<SpawnedWorld> _spawned = [];
    private int _spawnsStarted;
    private readonly Dictionary<string, SpawnMeeting> _meetings = new(StringComparer.Ordinal);

    /// <summary>One spawned world: its number (1 for the job's first spawn), its server, its processes.</summary>
    private sealed class SpawnedWorld(int number, string id, int parents, RendezvousServer server, RankOutput[] outputs)
    {
        public int Number { get; } = number;
        public string Id { get; } = id;
        public int Parents { get; } = parents;
        public RendezvousServer Server { get; } = server;
        public RankOutput[] Outputs { get; } = outputs;
        public IRankProcess?[] Processes { get; } = new IRankProcess?[outputs.Length];
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

    /// <summary>SPAWN &lt;id&gt; &lt;count&gt; &lt;parents&gt; &lt;directory&gt; &lt;command&gt; &lt;arguments…&gt; (the last three base64).</summary>
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
            string directory = RendezvousClient.Decode(words[3]);
            string command = RendezvousClient.Decode(words[4]);
            string[] arguments = [.. words[5..].Select(RendezvousClient.Decode)];
            StartSpawned(id, count, parents, Resolve(command, directory), arguments, directory);
            answer = $"SPAWNED {id} OK";
        }
        catch (Exception e) when (e is UsageException or BuildFailedException or IOException or Win32Exception or InvalidOperationException or FormatException)
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

    private void StartSpawned(string id, int count, int parents, ResolvedProgram program, string[] arguments, string directory)
    {
        int number;
        lock (_lock)
        {
            if (_termination is not null || _ending.Task.IsCompleted)
                throw new InvalidOperationException("the job is ending");
            // Counted here, not from _spawned (added to after the start): two spawns at once get two numbers.
            number = ++_spawnsStarted;
        }
        var server = new RendezvousServer(count, _secret, _log, _network.Address);
        ServeSpawns(server);
        server.AbortRequested += (rank, code, text) => _ending.TrySetResult(new ChildAborted(number, rank, code, text));
        server.FailRequested += (rank, text) => _ending.TrySetResult(new Failed(rank, text));
        server.Start();
        var world = new SpawnedWorld(number, id, parents, server,
            [.. Enumerable.Range(0, count).Select(rank => new RankOutput(rank, _spec.Output, _sink, jobNumber: number + 1))]);
        lock (_lock)
            _spawned.Add(world);
        _log($"spawn {number} ({id}): {count} process(es) of {program.Description}; rendezvous at {server.Address}");
        try
        {
            for (int rank = 0; rank < count; rank++)
            {
                var launch = new RankLaunch(rank, program, arguments, SpawnedEnvironment(world, rank, count), directory);
                RankProcess process = RankProcess.Start(launch, world.Outputs[rank], RankStdin.Closed);
                world.Processes[rank] = process;
                _log($"started spawned rank {rank} of spawn {number} as pid {process.Pid}");
                _ = WatchSpawnedAsync(world, process);
            }
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            // The parents are told Spawn failed and go on: the world must not outlive that answer,
            // nor keep the job from completing.
            world.Abandoned = true;
            lock (_lock)
                _spawned.Remove(world);
            foreach (IRankProcess? started in world.Processes)
                started?.Kill();
            server.Dispose();
            throw new IOException($"cannot start '{program.FileName}': {e.Message}", e);
        }
    }

    private List<KeyValuePair<string, string>> SpawnedEnvironment(SpawnedWorld world, int rank, int count)
    {
        static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        // Everything on this host competes for its cores: the local ranks and every child.
        int local = _ranks.OfType<RankProcess>().Count() + SpawnedProcesses().Length + count;
        var variables = new List<KeyValuePair<string, string>>(_spec.Environment);
        variables.AddRange(
        [
            new(JobEnvironment.RankVariable, Text(rank)),
            new(JobEnvironment.SizeVariable, Text(count)),
            new(JobEnvironment.LocalRankVariable, Text(rank)),
            new(JobEnvironment.LocalSizeVariable, Text(Math.Max(count, local))),
            new(JobEnvironment.RendezvousVariable, world.Server.Address),
            new(JobEnvironment.JobIdVariable, JobId + "-s" + Text(world.Number)),
            new(JobEnvironment.SecretVariable, _secret),
            new(JobEnvironment.SpawnIdVariable, world.Id),
            new(JobEnvironment.SpawnParentsVariable, Text(world.Parents)),
            new("OMPI_COMM_WORLD_RANK", Text(rank)),
            new("OMPI_COMM_WORLD_SIZE", Text(count)),
            new("PMI_RANK", Text(rank)),
            new("PMI_SIZE", Text(count)),
        ]);
        if (_spec.Placement is { } placement)
        {
            // The name this host goes by in the placement, so its ranks and the children agree on it.
            for (int h = 0; h < placement.Hosts.Count; h++)
            {
                if (h < _network.IsLocal.Count && _network.IsLocal[h] && placement.RanksOn(h).Count > 0)
                {
                    variables.Add(new(JobEnvironment.HostNameVariable, placement.Hosts[h].Name));
                    break;
                }
            }
        }
        if (_network.SpansHosts)
            variables.Add(new(JobEnvironment.BindAddressVariable, _network.Address.ToString()));
        return variables;
    }

    private async Task WatchSpawnedAsync(SpawnedWorld world, IRankProcess process)
    {
        await process.Exited.ConfigureAwait(false);
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
        return $"spawned rank {rank} of spawn {number} (host {world?.Server.HostOf(rank) ?? _hostName}, pid {pid})";
    }

    private sealed record ChildExited(int Spawn, int Rank, int ExitCode) : Ending;
    private sealed record ChildAborted(int Spawn, int Rank, int Code, string Text) : Ending;
    private sealed record ChildLeftBeforeWireUp(int Spawn, int Rank) : Ending;
}
