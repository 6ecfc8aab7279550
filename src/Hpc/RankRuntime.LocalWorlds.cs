using Hpc.Bootstrap;
using Hpc.Messaging;
using Hpc.Transport.InProcess;
using Hpc.Transport.Tcp;

namespace Hpc;

// The ranks-as-threads worlds: every rank of a job built inside one process, linked in memory or
// by loopback sockets, for the tests of algorithms and transports and for tools that run a world
// without a launcher. A launched rank never comes here (see RankRuntime.Start).
internal sealed partial class RankRuntime
{
    /// <summary>
    /// Builds <paramref name="size"/> ranks that live in this process, linked in memory: the
    /// ranks-as-threads worlds that test every algorithm without sockets.
    /// </summary>
    public static RankRuntime[] CreateInProcessWorld(int size, long eagerLimit = DefaultEagerLimit, bool checkCollectives = false,
        InProcessCopies copies = InProcessCopies.None, string[]? hosts = null)
    {
        if (hosts is not null && hosts.Length != size)
            throw new ArgumentException($"{hosts.Length} host names for {size} ranks; give one per rank", nameof(hosts));
        // Ranks as threads share the cores as ranks as processes would: wait as such a job would.
        var options = new RuntimeOptions { EagerLimit = eagerLimit, CheckCollectives = checkCollectives };
        var waiting = new Messaging.Waiting.WaitStrategy(size, options.SpinMicroseconds);
        var engines = new Messenger[size];
        for (int r = 0; r < size; r++)
            engines[r] = new Messenger(r, waiting);
        var runtimes = new RankRuntime[size];
        // Ranks as threads may pretend to live on several hosts so node-aware code can be tested in one process.
        hosts ??= [.. Enumerable.Repeat("localhost", size)];
        // claims[sender][receiver]: the claim words of sender's large messages to receiver, shared by both links (see SharedCopy).
        long[][][]? claims = copies == InProcessCopies.None ? null
            : [.. Enumerable.Range(0, size).Select(_ => Enumerable.Range(0, size).Select(_ => InProcessLink.NewCopyClaims()).ToArray())];
        for (int r = 0; r < size; r++)
        {
            var links = new IPeerLink[size];
            for (int peer = 0; peer < size; peer++)
            {
                links[peer] = peer == r
                    ? new InProcessLink(engines[peer], r, long.MaxValue)
                    : new InProcessLink(engines[peer], r, eagerLimit, copies, claims?[peer][r], claims?[r][peer]);
            }
            var job = new JobEnvironment(r, size, r, size, null, "in-process", null);
            runtimes[r] = new RankRuntime(r, size, engines[r], links, hosts, job, options, null, null);
        }
        return runtimes;
    }

    /// <summary>
    /// Builds <paramref name="size"/> ranks in this process linked by real loopback TCP sockets
    /// (the full mesh, handshake and all, each rank with its own messaging layer, background
    /// readers and poll(2) sleeps), so the TCP transport's large-message path can be tested with
    /// ranks as threads. Dispose every runtime afterwards: that closes the sockets.
    /// </summary>
    public static RankRuntime[] CreateTcpWorld(int size, long eagerLimit = TcpLink.DefaultEagerLimit, Action<string>? log = null)
    {
        log ??= static _ => { };
        var options = new RuntimeOptions { EagerLimit = eagerLimit };
        var engines = new Messenger[size];
        var transports = new TcpTransport[size];
        for (int r = 0; r < size; r++)
        {
            engines[r] = new Messenger(r, new Messaging.Waiting.WaitStrategy(size, options.SpinMicroseconds));
            transports[r] = TcpTransport.Listen(System.Net.IPAddress.Loopback, log);
        }
        string[] endpoints = [.. transports.Select(t => t.Endpoint)];
        bool[] needsTcp = [.. Enumerable.Repeat(true, size)];
        string secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        // Every rank connects to the lower ones while accepting the higher ones: all at once.
        Task<IPeerLink?[]>[] wiring = [.. Enumerable.Range(0, size).Select(r => Task.Factory.StartNew(
            () => transports[r].ConnectAll(endpoints, needsTcp, r, secret, engines[r], engines[r].Progress, eagerLimit, TimeSpan.FromSeconds(30)),
            TaskCreationOptions.LongRunning))];
        Task.WaitAll(wiring);
        var runtimes = new RankRuntime[size];
        string[] hosts = [.. Enumerable.Repeat("localhost", size)];
        for (int r = 0; r < size; r++)
        {
            IPeerLink[] links = [.. wiring[r].Result.Select((link, peer) => link ?? new InProcessLink(engines[r], r, long.MaxValue))];
            var job = new JobEnvironment(r, size, r, size, null, "in-process-tcp", null);
            var runtime = new RankRuntime(r, size, engines[r], links, hosts, job, options, null, null);
            engines[r].Progress.ArrivalSignal = runtime._pollingSignal = CreatePollingSignal(options, links, null);
            runtimes[r] = runtime;
        }
        return runtimes;
    }
}
