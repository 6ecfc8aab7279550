namespace Hpc.Bootstrap;

/// <summary>
/// The rank's side of wire-up: proves the job secret to the launcher, publishes this rank's
/// endpoint and receives everyone's. The connection then stays open as the control channel:
/// the launcher asks it what the rank is waiting for, and if the launcher disappears the rank
/// notices the closed connection and exits instead of running on as an orphan.
/// </summary>
internal sealed partial class RendezvousClient : IDisposable
{
    private readonly LineChannel _channel;
    private readonly int _rank;
    private volatile bool _finished;

    private readonly string _host;

    private RendezvousClient(LineChannel channel, int rank, string host)
    {
        _channel = channel;
        _rank = rank;
        _host = host;
    }

    /// <summary>The address of this host the connection left from: one the rendezvous host reaches it at.</summary>
    public System.Net.IPAddress? LocalAddress => _channel.LocalAddress;

    /// <summary>
    /// Connects and authenticates to the launcher named in <paramref name="job"/>. Under direct
    /// launch rank 0 may not be listening yet: a refused connection is retried until <paramref name="timeout"/>.
    /// </summary>
    public static RendezvousClient Connect(JobEnvironment job, TimeSpan timeout)
    {
        string host = job.DirectLaunchSource is null ? "mpirun" : "rank 0 (the rendezvous host at " + job.RendezvousAddress + ")";
        LineChannel channel = job.DirectLaunchSource is null
            ? LineChannel.Connect(job.RendezvousAddress!, timeout)
            : ConnectRetrying(job, timeout);
        try
        {
            string challenge = channel.ReadLine() ?? throw new IOException("the launcher closed the rendezvous connection");
            string[] words = challenge.Split(' ');
            if (words.Length != 2 || words[0] != "CHALLENGE")
                throw new IOException($"unexpected rendezvous greeting '{Shorten(challenge)}'");
            string proof = RendezvousProtocol.ComputeProof(job.Secret!, words[1], "rank:" + job.Rank.ToString(CultureInfo.InvariantCulture));
            channel.WriteLine($"HELLO {job.Rank} {proof}");
            return new RendezvousClient(channel, job.Rank, host);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    private static LineChannel ConnectRetrying(JobEnvironment job, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            try
            {
                return LineChannel.Connect(job.RendezvousAddress!, left > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : left);
            }
            catch (IOException e) when (DateTime.UtcNow < deadline)
            {
                _ = e;
                Thread.Sleep(100);
            }
            catch (IOException e)
            {
                throw new IOException($"rank 0 did not open the rendezvous at {job.RendezvousAddress} within {timeout.TotalSeconds:0} s ({job.DirectLaunchSource}): {e.Message}", e);
            }
        }
    }

    /// <summary>Publishes this rank's endpoint and blocks until the table of all endpoints arrives.</summary>
    /// <returns>Host name and endpoint of every rank, indexed by rank.</returns>
    public (string Host, string Endpoint)[] Exchange(string host, string endpoint, int size)
    {
        _channel.WriteLine($"PUBLISH {host} {endpoint}");
        string header = _channel.ReadLine() ?? throw new IOException("the launcher closed the connection during wire-up");
        string[] words = header.Split(' ');
        if (words.Length != 2 || words[0] != "TABLE" || words[1] != size.ToString(CultureInfo.InvariantCulture))
            throw new IOException($"expected 'TABLE {size}' from the launcher, got '{Shorten(header)}'");
        var table = new (string, string)[size];
        for (int i = 0; i < size; i++)
        {
            string line = _channel.ReadLine() ?? throw new IOException("the launcher closed the connection during wire-up");
            string[] entry = line.Split(' ');
            if (entry.Length != 3 || !int.TryParse(entry[0], CultureInfo.InvariantCulture, out int rank) || rank != i)
                throw new IOException($"malformed endpoint table line {i + 1}: '{Shorten(line)}'");
            table[i] = (entry[1], entry[2]);
        }
        return table;
    }

    /// <summary>Longest piece of a long message per line (<see cref="SendLong"/>), well inside the line limit.</summary>
    public const int PartLength = 3000;

    private readonly object _sendLock = new();

    /// <summary>
    /// Sends <paramref name="text"/> (one line's worth of ASCII or much more) as <c>PART</c> lines
    /// and a last <c>COMMAND text</c> line; the launcher joins them. Other messages never interleave.
    /// </summary>
    public void SendLong(string command, string text)
    {
        lock (_sendLock)
        {
            int start = 0;
            while (text.Length - start > PartLength)
            {
                _channel.WriteLine("PART " + text.Substring(start, PartLength));
                start += PartLength;
            }
            _channel.WriteLine(command + " " + text[start..]);
        }
    }

    private void Send(string line)
    {
        lock (_sendLock)
            _channel.WriteLine(line);
    }

    /// <summary>
    /// Serves the launcher's requests on a background thread for the rest of the job.
    /// <paramref name="describe"/> answers "what is this rank doing" (a <see cref="Diagnostics.RankSnapshot"/> as JSON).
    /// </summary>
    public void StartControlLoop(Func<string> describe)
    {
        var thread = new Thread(() => ControlLoop(describe)) { IsBackground = true, Name = "hpc-control" };
        thread.Start();
    }

    private void ControlLoop(Func<string> describe)
    {
        try
        {
            while (true)
            {
                string? line = _channel.ReadLine();
                if (line is null)
                    break;
                if (line == "QUERY")
                    SendLong("STATUS", describe());
                else if (line.StartsWith("KILL", StringComparison.Ordinal))
                    Environment.Exit(137);
                else
                    TakeReply(line);
            }
        }
        catch (Exception) when (_finished)
        {
            return;
        }
        catch (Exception)
        {
            // fall through: a broken control channel means the launcher is gone
        }
        if (!_finished)
        {
            Console.Error.WriteLine($"hpc: rank {_rank}: lost the connection to {_host}; exiting");
            Environment.Exit(1);
        }
    }

    /// <summary>Asks the launcher to end the whole job with <paramref name="code"/>.</summary>
    public void Abort(int code, string reason)
    {
        _finished = true;
        Send($"ABORT {code} {reason}");
    }

    /// <summary>
    /// Tells the launcher this rank is failing with <paramref name="message"/>, one line that ends
    /// the job (a collective mismatch found by <c>--check</c>); mpirun prints it once, however many ranks send it.
    /// </summary>
    public void Fail(string message)
    {
        _finished = true;
        try
        {
            Send("FAIL " + message);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Tells the launcher this rank finalized cleanly; a closed channel is no longer an error.</summary>
    public void Finish()
    {
        _finished = true;
        try
        {
            Send("FINALIZED");
        }
        catch (IOException)
        {
        }
    }

    private static string Shorten(string s) => s.Length > 80 ? s[..80] + "…" : s;

    /// <inheritdoc />
    public void Dispose()
    {
        _finished = true;
        _channel.Dispose();
    }
}
