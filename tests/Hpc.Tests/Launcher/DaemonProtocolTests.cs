using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Hpc.Bootstrap;
using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

public class DaemonProtocolTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Two ends of one loopback TCP connection: (mpirun's, the daemon's).</summary>
    private static (FrameChannel Launcher, FrameChannel Daemon) Connected()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new TcpClient();
        client.Connect((IPEndPoint)listener.LocalEndpoint);
        TcpClient server = listener.AcceptTcpClient();
        return (new FrameChannel(server.GetStream()), new FrameChannel(client.GetStream()));
    }

    [Fact]
    public async Task BothSidesProveTheSecretAndMpirunLearnsTheHost()
    {
        string secret = RendezvousProtocol.NewSecret();
        (FrameChannel launcher, FrameChannel daemon) = Connected();
        using (launcher)
        using (daemon)
        {
            using var cts = new CancellationTokenSource(Wait);
            Task<string?> accepted = DaemonHandshake.AcceptAsync(launcher, secret, cts.Token);
            await DaemonHandshake.ConnectAsync(daemon, secret, "node02", cts.Token);
            Assert.Equal("node02", await accepted);

            // Frames flow both ways afterwards, payloads intact.
            launcher.Write(DaemonFrame.Kill, w => w.Write("job completed"));
            var frame = (await daemon.ReadAsync(DaemonProtocol.MaxPayload, cts.Token))!.Value;
            Assert.Equal(DaemonFrame.Kill, frame.Type);
            Assert.Equal("job completed", FrameChannel.Reader(frame.Payload).String());
        }
    }

    [Fact]
    public async Task ADaemonWithoutTheSecretIsRejected()
    {
        (FrameChannel launcher, FrameChannel daemon) = Connected();
        using (daemon)
        {
            using var cts = new CancellationTokenSource(Wait);
            Task<string?> accepted = DaemonHandshake.AcceptAsync(launcher, RendezvousProtocol.NewSecret(), cts.Token);
            Task connecting = DaemonHandshake.ConnectAsync(daemon, RendezvousProtocol.NewSecret(), "node02", cts.Token);
            Assert.Null(await accepted);
            launcher.Dispose();
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => connecting);
            Assert.Contains("rejected", error.Message);
        }
    }

    [Fact]
    public async Task APeerPosingAsMpirunWithoutTheSecretIsRefusedByTheDaemon()
    {
        string secret = RendezvousProtocol.NewSecret();
        (FrameChannel impostor, FrameChannel daemon) = Connected();
        using (impostor)
        using (daemon)
        {
            using var cts = new CancellationTokenSource(Wait);
            Task connecting = DaemonHandshake.ConnectAsync(daemon, secret, "node02", cts.Token);
            impostor.Write(DaemonFrame.Challenge, w => w.Write(RendezvousProtocol.NewNonce()));
            await impostor.ReadAsync(DaemonProtocol.MaxHandshakePayload, cts.Token);
            // Without the secret it can only guess, or replay the daemon's own proof.
            impostor.Write(DaemonFrame.Welcome, w => w.Write(RendezvousProtocol.ComputeProof(RendezvousProtocol.NewSecret(), "00", "launcher:node02")));
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => connecting);
            Assert.Contains("did not prove the job secret", error.Message);
        }
    }

    [Fact]
    public async Task AFrameLongerThanTheBoundIsRefusedBeforeItsPayloadIsRead()
    {
        var stream = new MemoryStream();
        byte[] header = new byte[5];
        header[0] = (byte)DaemonFrame.Hello;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(1), uint.MaxValue);
        stream.Write(header);
        stream.Position = 0;
        using var channel = new FrameChannel(stream);
        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await channel.ReadAsync(DaemonProtocol.MaxHandshakePayload, CancellationToken.None));
        Assert.Contains("exceeds the limit of 1024", error.Message);
    }

    [Fact]
    public void AMalformedPayloadIsInvalidDataNotACrash()
    {
        PayloadReader reader = FrameChannel.Reader([1, 0, 0]);
        Assert.Throws<InvalidDataException>(() => reader.Int());
        Assert.Throws<InvalidDataException>(() => FrameChannel.Reader([0xFF, 0xFF, 0xFF, 0x7F]).Count());
    }

    [Fact]
    public void TheDaemonCommandLineCarriesNoSecretAndParsesBack()
    {
        var command = new DaemonCommand("hpc-42-0a1b2c3d", "10.0.0.1:4000", "node02", Verbose: true);
        IReadOnlyList<string> argv = command.ToArguments("/usr/bin/dotnet", "/opt/Hpc.Launcher.dll");
        Assert.Equal(["/usr/bin/dotnet", "/opt/Hpc.Launcher.dll", "--daemon", "--job-id", "hpc-42-0a1b2c3d",
            "--launcher", "10.0.0.1:4000", "--host", "node02", "--verbose"], argv);
        Assert.Equal(command, DaemonCommand.Parse([.. argv.Skip(3)]));
    }

    [Theory]
    [InlineData("--job-id", "../etc", "--launcher", "a:1", "--host", "h")]
    [InlineData("--job-id", "x", "--launcher", "a", "--host", "h")]
    [InlineData("--job-id", "x", "--host", "h")]
    [InlineData("--job-id", "x", "--launcher", "a:1", "--host", "h", "--secret", "00")]
    public void TheDaemonRefusesAMalformedCommandLine(params string[] args)
    {
        Assert.Throws<UsageException>(() => DaemonCommand.Parse(args));
    }
}
