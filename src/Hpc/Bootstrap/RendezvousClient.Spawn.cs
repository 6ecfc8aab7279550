using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Hpc.Bootstrap;

// Dynamic processes over the control channel (Communicator.Spawn): the root asks mpirun to start
// a group (SPAWN, answered by SPAWNED), then every parent and every child publishes a TCP endpoint
// for the spawn (CONNECT) and receives all of them (PEERS). Answers arrive on the control loop's
// thread, which hands them to the waiting call by the spawn's id.
internal sealed partial class RendezvousClient
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string[]>> _replies = new(StringComparer.Ordinal);

    /// <summary>How long a spawn waits for mpirun's answers (the children start and wire up meanwhile).</summary>
    public static readonly TimeSpan SpawnTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Asks mpirun to start <paramref name="count"/> processes of <paramref name="command"/>
    /// (resolved against <paramref name="directory"/>, as mpirun resolves a program) for the spawn
    /// <paramref name="id"/> of <paramref name="parents"/> parents, on <paramref name="hosts"/>
    /// alone unless empty, and waits until they are started.
    /// </summary>
    /// <remarks>
    /// <c>SPAWN &lt;id&gt; &lt;count&gt; &lt;parents&gt; [host:&lt;hosts&gt;] &lt;directory&gt; &lt;command&gt; &lt;arguments…&gt;</c>,
    /// every word after the counts base64 (<see cref="Encode"/>; the hosts comma-separated). The
    /// host word is sent only when hosts are given, so a request without them is unchanged; its
    /// <c>host:</c> prefix cannot begin a base64 word, so it is never mistaken for the directory.
    /// </remarks>
    /// <exception cref="HpcException">mpirun could not start them; the message says why.</exception>
    public void Spawn(string id, int count, int parents, string directory, string command, IReadOnlyList<string> arguments, IReadOnlyList<string> hosts)
    {
        var text = new StringBuilder();
        text.Append(id).Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(parents.ToString(CultureInfo.InvariantCulture));
        if (hosts.Count > 0)
            text.Append(' ').Append(HostsPrefix).Append(Encode(string.Join(',', hosts)));
        text.Append(' ').Append(Encode(directory)).Append(' ').Append(Encode(command));
        foreach (string argument in arguments)
            text.Append(' ').Append(Encode(argument));
        string[] answer = Await("SPAWNED " + id, () => SendLong("SPAWN", text.ToString()));
        // SPAWNED <id> OK | SPAWNED <id> ERROR <text>
        string[] words = answer[0].Split(' ', 4);
        if (words.Length >= 3 && words[2] == "OK")
            return;
        throw new HpcException(words.Length == 4 ? words[3] : "mpirun refused the spawn");
    }

    /// <summary>
    /// Publishes this process's endpoint for spawn <paramref name="id"/> as member
    /// <paramref name="index"/> of <paramref name="total"/> (parents first, then children), with
    /// its context candidate, and waits for every member's.
    /// </summary>
    /// <returns>Per member, by index: its context candidate, host and endpoint.</returns>
    public (int Candidate, string Host, string Endpoint)[] ConnectSpawn(string id, int index, int total, int candidate, string host, string endpoint)
    {
        string line = string.Join(' ', "CONNECT", id, index.ToString(CultureInfo.InvariantCulture), total.ToString(CultureInfo.InvariantCulture),
            candidate.ToString(CultureInfo.InvariantCulture), host, endpoint);
        string[] answer = Await("PEERS " + id, () => Send(line));
        // PEERS <id> <total>, then "<index> <candidate> <host> <endpoint>" per member
        if (answer.Length != total + 1)
            throw new IOException($"expected {total} spawn endpoints from mpirun, got {answer.Length - 1}");
        var table = new (int, string, string)[total];
        for (int i = 0; i < total; i++)
        {
            string[] entry = answer[i + 1].Split(' ', 4);
            if (entry.Length != 4 || !int.TryParse(entry[0], CultureInfo.InvariantCulture, out int at) || at != i
                || !int.TryParse(entry[1], CultureInfo.InvariantCulture, out int theirs))
                throw new IOException($"malformed spawn endpoint line {i + 1}: '{Shorten(answer[i + 1])}'");
            table[i] = (theirs, entry[2], entry[3]);
        }
        return table;
    }

    /// <summary>Prefix of the optional word of a spawn request that names its hosts (MPI's <c>host</c> info key).</summary>
    public const string HostsPrefix = "host:";

    /// <summary>Words of a spawn request, base64 so that spaces and any character survive the line protocol.</summary>
    public static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>The inverse of <see cref="Encode"/>.</summary>
    public static string Decode(string word) => Encoding.UTF8.GetString(Convert.FromBase64String(word));

    private string[] Await(string key, Action send)
    {
        var reply = new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_replies.TryAdd(key, reply))
            throw new InvalidOperationException($"a second request '{key}' while the first is unanswered");
        try
        {
            send();
            if (!reply.Task.Wait(SpawnTimeout))
                throw new HpcException($"mpirun did not answer within {SpawnTimeout.TotalSeconds:0} s ({key.Split(' ')[0]})");
            return reply.Task.Result;
        }
        finally
        {
            _replies.TryRemove(key, out _);
        }
    }

    /// <summary>On the control loop: an answer to a spawn request (with its table lines, read here), else nothing.</summary>
    private void TakeReply(string line)
    {
        string[] words = line.Split(' ');
        if (words.Length < 3 || words[0] is not ("SPAWNED" or "PEERS"))
            return;
        var lines = new List<string> { line };
        if (words[0] == "PEERS" && int.TryParse(words[2], CultureInfo.InvariantCulture, out int count))
        {
            for (int i = 0; i < count; i++)
                lines.Add(_channel.ReadLine() ?? throw new IOException("the launcher closed the connection during a spawn"));
        }
        if (_replies.TryGetValue(words[0] + " " + words[1], out TaskCompletionSource<string[]>? reply))
            reply.TrySetResult([.. lines]);
    }
}
