using System.Net;
using System.Net.Sockets;

namespace Hpc.Bootstrap;

/// <summary>
/// Rank 0's part under direct launch: it hosts the rendezvous that mpirun would, on the port
/// every rank computed (<see cref="DirectLaunch"/>), and takes over mpirun's duty of ending the
/// job loudly. A rank that aborts, fails, or disappears before Finalize ends every rank: rank 0
/// sends <c>KILL</c>, names the rank and exits, and the others exit when their control channel
/// closes. The wire-up itself is the ordinary one (<see cref="WireUp"/>).
/// </summary>
/// <param name="server">The rendezvous, listening (<see cref="Start"/> makes the host).</param>
/// <param name="size">How many ranks the job has.</param>
internal sealed class DirectLaunchHost(RendezvousServer server, int size) : IDisposable
{
    /// <summary>How long rank 0 keeps the rendezvous open at Finalize for the others to finish theirs.</summary>
    public static readonly TimeSpan FinalizeGrace = TimeSpan.FromSeconds(10);

    private int _ending;

    /// <summary>Starts listening on the port of <paramref name="job"/>'s coordinator address, on every interface.</summary>
    /// <exception cref="HpcException">The port is taken (one line naming it and how to choose another).</exception>
    public static DirectLaunchHost Start(JobEnvironment job, bool verbose)
    {
        (_, int port) = LineChannel.ParseAddress(job.RendezvousAddress!);
        Action<string> log = verbose ? message => Console.Error.WriteLine("hpc: rank 0: " + message) : _ => { };
        // Every interface: the name other ranks resolve may map to any of this host's addresses;
        // nobody gets in without the secret.
        var server = new RendezvousServer(job.Size, job.Secret!, log, IPAddress.Any, port);
        try
        {
            server.Start();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            server.Dispose();
            throw new HpcException($"direct launch: rank 0 cannot listen on port {port.ToString(CultureInfo.InvariantCulture)} " +
                $"({(e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "it is taken" : "not allowed")}); {job.DirectLaunchSource}");
        }
        var host = new DirectLaunchHost(server, job.Size);
        server.AbortRequested += (rank, code, text) => host.EndJob(code, $"rank {rank} called Abort({code}): {text}");
        server.FailRequested += (_, text) => host.EndJob(1, text);
        server.RankClosed += (rank, finalized) =>
        {
            if (!finalized)
                host.EndJob(1, $"rank {rank} on {server.HostOf(rank) ?? "its host"} ended before Finalize (it died, or failed in Init); ending the job");
        };
        return host;
    }

    /// <summary>
    /// At Finalize, after this rank's own control channel closed: waits (at most <see cref="FinalizeGrace"/>)
    /// until every other rank has closed its channel, so none sees the rendezvous vanish first.
    /// </summary>
    public void WaitForOthers()
    {
        Interlocked.Exchange(ref _ending, 1);
        DateTime deadline = DateTime.UtcNow + FinalizeGrace;
        for (int rank = 0; rank < size; rank++)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                break;
            server.WaitClosedAsync(rank, left).GetAwaiter().GetResult();
        }
    }

    private void EndJob(int code, string reason)
    {
        if (Interlocked.Exchange(ref _ending, 1) != 0)
            return;
        Console.Out.Flush();
        Console.Error.WriteLine("hpc: " + reason);
        Console.Error.Flush();
        server.SendKillAsync(reason, TimeSpan.FromSeconds(2)).GetAwaiter().GetResult();
        Environment.Exit(code);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _ending, 1);
        server.Dispose();
    }
}
