using System.Collections.Concurrent;
using System.ComponentModel;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>
/// The per-host daemon (<c>dotnet Hpc.Launcher.dll --daemon ...</c>), started on a host other than
/// mpirun's by the launch agent. It reads the job secret from stdin, connects back to mpirun,
/// proves the secret and checks mpirun's proof, starts the processes mpirun names (the job's ranks
/// on this host, and children of <c>Communicator.Spawn</c> whenever mpirun places some here),
/// relays their output and exit codes, and ends them all when mpirun says so, when its connection
/// to mpirun is lost, or when it is signalled.
/// </summary>
/// <remarks>
/// Ranks bind their listeners to the address this daemon reaches mpirun from: that interface is
/// known to be routed to the job's network, whatever it is called on this host. The daemon is a
/// child subreaper, so what ranks leave running in the background is found and ended with them.
/// </remarks>
internal sealed class Daemon
{
    private static readonly TimeSpan SecretWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(30);

    private readonly DaemonCommand _command;
    private readonly Action<string> _log;
    // By the job-wide process number mpirun gives each (DaemonProtocol); RankProcess.Rank holds it too.
    private readonly ConcurrentDictionary<int, RankProcess> _ranks = new();
    private readonly ConcurrentBag<Task> _reports = [];
    private readonly TaskCompletionSource<string> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _killed;

    private Daemon(DaemonCommand command)
    {
        _command = command;
        _log = command.Verbose ? Say : static _ => { };
    }

    /// <summary>Runs the daemon with the arguments after <c>--daemon</c>; returns its exit code.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        DaemonCommand command;
        try
        {
            command = DaemonCommand.Parse(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine("hpc-daemon: " + e.Message);
            return UsageException.ExitCode;
        }
        return new Daemon(command).RunAsync().GetAwaiter().GetResult();
    }

    private void Say(string message) => Console.Error.WriteLine($"hpc-daemon {_command.Host}: {message}");

    private async Task<int> RunAsync()
    {
        string? secret = ReadSecret();
        if (secret is null)
        {
            Say("no job secret on standard input; exiting");
            return 1;
        }
        ProcessTree.BecomeSubreaper();

        var registrations = new List<PosixSignalRegistration>();
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                _end.TrySetResult("received " + context.Signal);
            }));
        }

        FrameChannel? channel = null;
        try
        {
            (string host, int port) = LineChannel.ParseAddress(_command.LauncherAddress);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var connect = new CancellationTokenSource(ConnectWait);
                await socket.ConnectAsync(host, port, connect.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                Say($"cannot reach mpirun at {_command.LauncherAddress}: {e.Message}");
                return 1;
            }
            IPAddress bind = ((IPEndPoint)socket.LocalEndPoint!).Address;
            if (bind.IsIPv4MappedToIPv6)
                bind = bind.MapToIPv4();
            channel = new FrameChannel(new NetworkStream(socket, ownsSocket: true));
            using (var handshake = new CancellationTokenSource(DaemonHandshake.Timeout))
                await DaemonHandshake.ConnectAsync(channel, secret, _command.Host, handshake.Token).ConfigureAwait(false);
            _log($"connected to mpirun at {_command.LauncherAddress}; ranks bind to {bind}");

            _ = ReadLoopAsync(channel, secret, bind);
            string reason = await _end.Task.ConfigureAwait(false);
            if (!_killed)
                Say($"{reason}; ending {_ranks.Count} rank(s)");
            else
                _log(reason);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or FormatException or SocketException)
        {
            Say($"wire-up with mpirun at {_command.LauncherAddress} failed: {e.Message}");
        }
        finally
        {
            await EndRanksAsync().ConfigureAwait(false);
            CleanSharedMemory();
            channel?.Dispose();
            foreach (PosixSignalRegistration registration in registrations)
                registration.Dispose();
        }
        return _killed ? 0 : 1;
    }

    private static string? ReadSecret()
    {
        Task<string?> line = Task.Run(Console.In.ReadLine);
        if (!line.Wait(SecretWait) || line.Result is not { } secret)
            return null;
        secret = secret.Trim();
        return secret.Length is > 0 and <= 256 && secret.Length % 2 == 0 && secret.All(char.IsAsciiHexDigit) ? secret : null;
    }

    private async Task ReadLoopAsync(FrameChannel channel, string secret, IPAddress bind)
    {
        try
        {
            while (await channel.ReadAsync(DaemonProtocol.MaxPayload, CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                switch (frame.Type)
                {
                    case DaemonFrame.Spawn:
                        Spawn(channel, FrameChannel.Reader(frame.Payload), secret, bind);
                        break;
                    case DaemonFrame.End:
                        if (_ranks.TryGetValue(FrameChannel.Reader(frame.Payload).Int(), out RankProcess? ended))
                        {
                            _log($"mpirun ended process {ended.Rank} (pid {ended.Pid})");
                            // Its exit is reported as any other, by ReportAsync.
                            ended.Kill();
                        }
                        break;
                    case DaemonFrame.Kill:
                        _killed = true;
                        _end.TrySetResult("mpirun ended the job: " + FrameChannel.Reader(frame.Payload).String());
                        return;
                    default:
                        throw new InvalidDataException($"unexpected frame {(int)frame.Type} from mpirun");
                }
            }
            _end.TrySetResult("lost the connection to mpirun");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException)
        {
            _end.TrySetResult($"lost the connection to mpirun ({e.Message})");
        }
    }

    private void Spawn(FrameChannel channel, PayloadReader reader, string secret, IPAddress bind)
    {
        int process = reader.Int();
        string file = reader.String();
        var args = new string[reader.Count()];
        for (int i = 0; i < args.Length; i++)
            args[i] = reader.String();
        int variables = reader.Count();
        var environment = new List<KeyValuePair<string, string>>(variables + 2);
        for (int i = 0; i < variables; i++)
            environment.Add(new(reader.String(), reader.String()));
        string directory = reader.String();
        // The secret never crosses the network: this daemon already holds it.
        environment.Add(new(JobEnvironment.SecretVariable, secret));
        environment.Add(new(JobEnvironment.BindAddressVariable, bind.ToString()));

        if (_end.Task.IsCompleted)
            return;
        try
        {
            var launch = new RankLaunch(process, new ResolvedProgram(file, [], file), args, environment,
                directory.Length > 0 ? directory : null);
            RankProcess started = RankProcess.Start(launch, new RelaySink(channel, process));
            _ranks[process] = started;
            Send(channel, DaemonFrame.Started, w => { w.Write(process); w.Write(started.Pid); });
            _log($"started process {process} as pid {started.Pid}");
            _reports.Add(ReportAsync(channel, started));
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            Send(channel, DaemonFrame.StartFailed, w => { w.Write(process); w.Write(e.Message); });
        }
    }

    private async Task ReportAsync(FrameChannel channel, RankProcess process)
    {
        await process.Exited.ConfigureAwait(false);
        Send(channel, DaemonFrame.Exited, w => { w.Write(process.Rank); w.Write(process.ExitCode); });
        await process.OutputDrained.ConfigureAwait(false);
        Send(channel, DaemonFrame.Drained, w => w.Write(process.Rank));
    }

    private static void Send(FrameChannel channel, DaemonFrame type, Action<BinaryWriter> build)
    {
        try
        {
            channel.Write(type, build);
        }
        catch (IOException)
        {
            // mpirun is gone; the read loop ends the ranks.
        }
    }

    /// <summary>SIGTERM to every descendant, a grace, then SIGKILL to what is left, reaping orphans.</summary>
    private async Task EndRanksAsync()
    {
        RankProcess[] ranks = [.. _ranks.Values];
        ProcessTree.SignalDescendants(ProcessTree.SigTerm);
        await Task.WhenAny(Task.WhenAll(ranks.Select(r => r.Exited)), Task.Delay(Job.TerminationGrace)).ConfigureAwait(false);
        foreach (RankProcess rank in ranks)
            rank.Kill();
        await ProcessTree.KillDescendantsAsync(new HashSet<int>(ranks.Select(r => r.Pid)), _log).ConfigureAwait(false);
        // The last reports (exit codes, end of output) go out before the connection closes.
        Task reports = Task.WhenAll(_reports);
        await Task.WhenAny(reports, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        foreach (RankProcess rank in ranks)
            rank.Dispose();
    }

    /// <summary>Deletes the job's shared-memory files on this host, as mpirun does on its own.</summary>
    private void CleanSharedMemory() => SharedMemoryFiles.Remove(_command.JobId, Say, _log);

    /// <summary>Sends a process's whole lines to mpirun; output that can no longer be sent is dropped, the pipe still drained.</summary>
    private sealed class RelaySink(FrameChannel channel, int process) : ILineSink
    {
        public void WriteLines(OutputStream stream, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> lines)
        {
            byte[] copy = lines.ToArray();
            Send(channel, DaemonFrame.Output, w =>
            {
                w.Write(process);
                w.Write((byte)stream);
                w.Write(copy);
            });
        }
    }
}
