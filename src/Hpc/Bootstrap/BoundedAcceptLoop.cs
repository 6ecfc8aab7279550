using System.Net.Sockets;

namespace Hpc.Bootstrap;

/// <summary>
/// The accept loop both of mpirun's listeners (rendezvous and daemons) run: every connection is
/// served on its own task, but at most as many as <c>handshakeSlots</c> allows may be waiting to
/// authenticate, so a flood of strangers cannot exhaust the launcher. The serve callback must
/// release its slot when the connection has proved itself or been dropped.
/// </summary>
internal static class BoundedAcceptLoop
{
    public static async Task RunAsync(TcpListener listener, SemaphoreSlim handshakeSlots, string name,
        Action<string> log, Func<Socket, Task> serve, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                log($"{name}: accept failed: {e.Message}");
                continue;
            }
            if (!handshakeSlots.Wait(0))
            {
                log($"{name}: too many unauthenticated connections; dropping one");
                socket.Dispose();
                continue;
            }
            _ = Task.Run(() => serve(socket));
        }
    }
}
