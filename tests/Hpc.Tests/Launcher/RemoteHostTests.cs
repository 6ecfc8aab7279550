using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Hpc.Bootstrap;
using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

/// <summary>
/// mpirun's side of a host (<see cref="RemoteHost"/>) against a scripted daemon on a loopback
/// connection: processes added before the daemon connects and while the job runs are started by
/// their job-wide numbers, reported starts, failures and output reach the right process, and one
/// process can be ended alone (an abandoned spawn).
/// </summary>
public class RemoteHostTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed class Lines : ILineSink
    {
        public readonly StringBuilder Text = new();

        public void WriteLines(OutputStream stream, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> lines)
        {
            lock (Text)
                Text.Append(stream).Append(':').Append(Encoding.UTF8.GetString(lines));
        }
    }

    private static RankLaunch Launch(int rank, string marker) =>
        new(rank, new ResolvedProgram("/bin/true", [], "/bin/true"), [marker],
            [new(JobEnvironment.RankVariable, rank.ToString()), new(JobEnvironment.SecretVariable, "00ff"), new(JobEnvironment.BindAddressVariable, "10.0.0.1")],
            "/tmp", new CpuSet([0], "core 0"));

    private static (int Process, string Argument, List<string> Variables) ReadSpawn((DaemonFrame Type, byte[] Payload) frame)
    {
        Assert.Equal(DaemonFrame.Spawn, frame.Type);
        PayloadReader reader = FrameChannel.Reader(frame.Payload);
        int process = reader.Int();
        reader.String();
        int args = reader.Count();
        string argument = "";
        for (int i = 0; i < args; i++)
            argument = reader.String();
        var variables = new List<string>();
        for (int i = reader.Count(); i > 0; i--)
            variables.Add(reader.String() + "=" + reader.String());
        return (process, argument, variables);
    }

    [Fact]
    public async Task RanksAndLaterChildrenAreStartedByTheirProcessNumbersAndReportedApart()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        using TcpClient server = listener.AcceptTcpClient();
        using var daemon = new FrameChannel(client.GetStream());
        using var cts = new CancellationTokenSource(Wait);

        var sink = new OutputSink(Stream.Null, Stream.Null);
        using var host = new RemoteHost("node02", RendezvousProtocol.NewSecret(), sink, _ => { });
        var rankOutput = new Lines();
        var childOutput = new Lines();
        // Before the daemon connects: queued. The "agent" only has to stay up meanwhile.
        RemoteRank rank = host.Add(Launch(0, "rank"), 0, rankOutput);
        // Ended before the daemon connected: never sent, over at once.
        RemoteRank dropped = host.Add(Launch(1, "dropped"), 3, new Lines());
        dropped.Kill();
        Assert.True(dropped.HasExited);
        host.Start(["sleep", "30"]);
        try
        {
            Assert.True(host.TryAttach(new FrameChannel(server.GetStream())));
            (int process, string argument, List<string> variables) = ReadSpawn((await daemon.ReadAsync(DaemonProtocol.MaxPayload, cts.Token))!.Value);
            Assert.Equal((0, "rank"), (process, argument));
            // The daemon adds these itself: the secret never crosses the network.
            Assert.Equal([$"{JobEnvironment.RankVariable}=0"], variables);

            // A spawned child, rank 0 of its own world, added while the job runs: sent at once.
            RemoteRank child = host.Add(Launch(0, "child"), 7, childOutput);
            (process, argument, _) = ReadSpawn((await daemon.ReadAsync(DaemonProtocol.MaxPayload, cts.Token))!.Value);
            Assert.Equal((7, "child"), (process, argument));

            daemon.Write(DaemonFrame.Started, w => { w.Write(7); w.Write(4242); });
            await child.Started.WaitAsync(cts.Token);
            Assert.Equal(4242, child.Pid);
            Assert.Equal(0, rank.Pid);
            daemon.Write(DaemonFrame.Output, w => { w.Write(7); w.Write((byte)OutputStream.Stdout); w.Write(Encoding.UTF8.GetBytes("from the child\n")); });
            daemon.Write(DaemonFrame.StartFailed, w => { w.Write(0); w.Write("No such file or directory"); });
            var failed = await Assert.ThrowsAsync<IOException>(() => rank.Started.WaitAsync(cts.Token));
            Assert.Equal("on host node02: No such file or directory", failed.Message);
            lock (childOutput.Text)
                Assert.Equal("Stdout:from the child\n", childOutput.Text.ToString());
            Assert.Equal("", rankOutput.Text.ToString());

            // Killing the child alone asks the daemon to end that one process, not the host.
            child.Kill();
            var end = (await daemon.ReadAsync(DaemonProtocol.MaxPayload, cts.Token))!.Value;
            Assert.Equal(DaemonFrame.End, end.Type);
            Assert.Equal(7, FrameChannel.Reader(end.Payload).Int());
            daemon.Write(DaemonFrame.Exited, w => { w.Write(7); w.Write(137); });
            await child.Exited.WaitAsync(cts.Token);
            Assert.Equal(137, child.ExitCode);
            Assert.False(rank.HasExited);

            host.SendKill("test over");
            Assert.Equal(DaemonFrame.Kill, (await daemon.ReadAsync(DaemonProtocol.MaxPayload, cts.Token))!.Value.Type);
        }
        finally
        {
            if (host.AgentPid > 0)
            {
                using Process agent = Process.GetProcessById(host.AgentPid);
                agent.Kill();
                agent.WaitForExit(5000);
            }
        }
    }
}
