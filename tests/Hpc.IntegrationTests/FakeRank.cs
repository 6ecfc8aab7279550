using Hpc.Bootstrap;

namespace Hpc.IntegrationTests;

/// <summary>
/// Plays one rank's side of the rendezvous protocol from the test process, with the identity a
/// real rank printed (its address and secret), so the launcher's server is tested end to end
/// without depending on the library's client.
/// </summary>
internal sealed class FakeRank : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly LineChannel _channel;

    private FakeRank(LineChannel channel) => _channel = channel;

    /// <summary>Connects and answers the challenge, with a correct or a deliberately wrong proof.</summary>
    public static FakeRank Connect(RankIdentity identity, bool wrongProof = false)
    {
        var rank = new FakeRank(LineChannel.Connect(identity.Rendezvous, Wait));
        string challenge = rank.ReadLine() ?? throw new InvalidOperationException("no CHALLENGE");
        Assert.StartsWith("CHALLENGE ", challenge);
        string nonce = challenge["CHALLENGE ".Length..];
        string proof = RendezvousProtocol.ComputeProof(identity.Secret, nonce, "rank:" + identity.Rank);
        if (wrongProof)
            proof = RendezvousProtocol.ComputeProof(identity.Secret, nonce, "rank:" + (identity.Rank + 1));
        rank.WriteLine($"HELLO {identity.Rank} {proof}");
        return rank;
    }

    /// <summary>Connects without answering the challenge.</summary>
    public static FakeRank ConnectRaw(string address) => new(LineChannel.Connect(address, Wait));

    public void WriteLine(string line) => _channel.WriteLine(line);

    /// <summary>The next line, null when the launcher closed the connection.</summary>
    public string? ReadLine()
    {
        using var cts = new CancellationTokenSource(Wait);
        return _channel.ReadLineAsync(cts.Token).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Reads a <c>TABLE</c> message: the header and one line per rank.</summary>
    public string[] ReadTable()
    {
        string header = ReadLine() ?? throw new InvalidOperationException("closed before TABLE");
        Assert.StartsWith("TABLE ", header);
        int size = int.Parse(header["TABLE ".Length..]);
        return [header, .. Enumerable.Range(0, size).Select(_ => ReadLine() ?? "<closed>")];
    }

    /// <summary>True when the launcher closed the connection (rather than sending anything).</summary>
    public bool WasDropped()
    {
        try
        {
            return ReadLine() is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose() => _channel.Dispose();
}

/// <summary>What a rank started by the launcher printed about itself.</summary>
internal sealed record RankIdentity(int Rank, int Pid, string Rendezvous, string Secret)
{
    /// <summary>The shell snippet that makes a rank print its identity as one line.</summary>
    public const string PrintScript = "echo $HPC_RANK $$ $HPC_RENDEZVOUS $HPC_JOB_SECRET";

    public static RankIdentity Parse(string line)
    {
        string[] words = line.Split(' ');
        return new RankIdentity(int.Parse(words[0]), int.Parse(words[1]), words[2], words[3]);
    }

    /// <summary>Reads the identities of <paramref name="size"/> ranks, ordered by rank.</summary>
    public static RankIdentity[] ReadAll(Mpirun mpirun, int size) =>
        [.. Enumerable.Range(0, size).Select(_ => Parse(mpirun.ReadStdoutLine(TimeSpan.FromSeconds(30)))).OrderBy(r => r.Rank)];
}
