using System.Collections.Concurrent;
using Hpc.Bootstrap;
using Hpc.Testing;
using Xunit;

namespace Hpc.Tests.Bootstrap;

/// <summary>
/// The spawn requests of the control channel (<c>SPAWN</c>/<c>SPAWNED</c>, <c>CONNECT</c>/<c>PEERS</c>)
/// between <see cref="RendezvousClient"/> and <see cref="RendezvousServer"/>, with the launcher's
/// part played by the test; and what a spawned process reads from its environment.
/// </summary>
public sealed class SpawnProtocolTests
{
    private static readonly string Secret = RendezvousProtocol.NewSecret();

    private static JobEnvironment Rank(RendezvousServer server, int rank) =>
        new(rank, server.Size, rank, server.Size, server.Address, "hpc-test-spawn", Secret);

    /// <summary>Connects every rank and publishes, so the control loops run as after Init.</summary>
    private static RendezvousClient[] Connect(RendezvousServer server)
    {
        RendezvousClient[] clients = [.. Enumerable.Range(0, server.Size).Select(r => RendezvousClient.Connect(Rank(server, r), TimeSpan.FromSeconds(10)))];
        Task[] exchanges = [.. clients.Select((c, r) => Task.Run(() => c.Exchange("host" + r, "tcp://127.0.0.1:" + (1000 + r), server.Size)))];
        Task.WaitAll(exchanges, TimeSpan.FromSeconds(10));
        foreach (RendezvousClient client in clients)
            client.StartControlLoop(() => "{}");
        return clients;
    }

    [Fact]
    public void Spawn_sends_the_request_in_base64_words_and_returns_when_the_launcher_answers_OK()
    {
        using var server = new RendezvousServer(1, Secret, _ => { });
        var requests = new ConcurrentQueue<string>();
        server.SpawnRequested += (from, rank, text) =>
        {
            requests.Enqueue(text);
            string id = text.Split(' ')[0];
            _ = from.SendLinesAsync(rank, [$"SPAWNED {id} OK"]);
        };
        server.Start();
        RendezvousClient[] clients = Connect(server);
        try
        {
            clients[0].Spawn("abc", 3, 1, "/work dir", "prog.dll", ["a b", "", "ü"], []);
            string[] words = Assert.Single(requests).Split(' ');
            Assert.Equal(["abc", "3", "1"], words[..3]);
            Assert.Equal(["/work dir", "prog.dll", "a b", "", "ü"], words[3..].Select(RendezvousClient.Decode));

            // MPI's host key: one more word, before the directory, only when hosts are given.
            clients[0].Spawn("def", 2, 1, "/", "prog.dll", ["x"], ["node1", "node2"]);
            Assert.True(requests.TryDequeue(out _));
            words = Assert.Single(requests).Split(' ');
            Assert.StartsWith(RendezvousClient.HostsPrefix, words[3]);
            Assert.Equal("node1,node2", RendezvousClient.Decode(words[3][RendezvousClient.HostsPrefix.Length..]));
            Assert.Equal(["/", "prog.dll", "x"], words[4..].Select(RendezvousClient.Decode));
        }
        finally
        {
            foreach (RendezvousClient client in clients)
                client.Dispose();
        }
    }

    [Fact]
    public void Spawn_throws_the_launchers_reason_when_it_refuses()
    {
        using var server = new RendezvousServer(1, Secret, _ => { });
        server.SpawnRequested += (from, rank, text) => _ = from.SendLinesAsync(rank, [$"SPAWNED {text.Split(' ')[0]} ERROR program 'x' not found"]);
        server.Start();
        RendezvousClient[] clients = Connect(server);
        try
        {
            var error = Assert.Throws<HpcException>(() => clients[0].Spawn("id1", 2, 1, "/", "x", [], []));
            Assert.Equal("program 'x' not found", error.Message);
        }
        finally
        {
            clients[0].Dispose();
        }
    }

    [Fact]
    public async Task ConnectSpawn_gives_every_member_the_whole_table_once_all_have_published()
    {
        using var server = new RendezvousServer(2, Secret, _ => { });
        var lines = new ConcurrentDictionary<int, string>();
        server.ConnectRequested += (from, rank, text) =>
        {
            lines[rank] = text;
            if (lines.Count < 2)
                return;
            // CONNECT <id> <index> <total> <candidate> <host> <endpoint> → "<index> <candidate> <host> <endpoint>"
            string[] table = ["PEERS s1 2", .. lines.Values.Select(l => l.Split(' ', 6)).OrderBy(w => w[1]).Select(w => string.Join(' ', w[1], w[3], w[4], w[5]))];
            _ = from.SendLinesAsync(0, table);
            _ = from.SendLinesAsync(1, table);
        };
        server.Start();
        RendezvousClient[] clients = Connect(server);
        try
        {
            Task<(int, string, string)[]>[] tables =
            [
                Task.Run(() => clients[0].ConnectSpawn("s1", 1, 2, 30, "hostB", "tcp://127.0.0.1:2001")),
                Task.Run(() => clients[1].ConnectSpawn("s1", 0, 2, 18, "hostA", "tcp://127.0.0.1:2000")),
            ];
            (int, string, string)[][] results = await Task.WhenAll(tables).WaitAsync(TimeSpan.FromSeconds(10));
            (int, string, string)[] expected = [(18, "hostA", "tcp://127.0.0.1:2000"), (30, "hostB", "tcp://127.0.0.1:2001")];
            Assert.Equal(expected, results[0]);
            Assert.Equal(expected, results[1]);
        }
        finally
        {
            foreach (RendezvousClient client in clients)
                client.Dispose();
        }
    }

    [Fact]
    public void A_spawned_process_reads_its_spawn_and_parent_count()
    {
        var variables = new Dictionary<string, string>
        {
            [JobEnvironment.RendezvousVariable] = "127.0.0.1:1", [JobEnvironment.RankVariable] = "1", [JobEnvironment.SizeVariable] = "3",
            [JobEnvironment.JobIdVariable] = "hpc-1-a-s1", [JobEnvironment.SecretVariable] = "00",
        };
        JobEnvironment plain = JobEnvironment.FromVariables(variables.GetValueOrDefault);
        Assert.Null(plain.SpawnId);
        Assert.Equal(0, plain.SpawnParents);

        variables[JobEnvironment.SpawnIdVariable] = "0123abcd";
        variables[JobEnvironment.SpawnParentsVariable] = "2";
        JobEnvironment child = JobEnvironment.FromVariables(variables.GetValueOrDefault);
        Assert.Equal(("0123abcd", 2), (child.SpawnId, child.SpawnParents));

        variables[JobEnvironment.SpawnParentsVariable] = "none";
        Assert.Throws<InvalidOperationException>(() => JobEnvironment.FromVariables(variables.GetValueOrDefault));
    }

    [Fact]
    public void Spawn_is_not_supported_without_mpirun_and_checks_its_root()
    {
        InProcessWorld.Run(2, world =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => world.Spawn("prog.dll", [], 2, root: 2));
            Assert.Throws<NotSupportedException>(() => world.Spawn("prog.dll", [], 2, root: 0));
        });
    }
}
