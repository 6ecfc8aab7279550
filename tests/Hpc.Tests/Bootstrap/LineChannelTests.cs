using System.Net;
using System.Net.Sockets;
using System.Text;
using Hpc.Bootstrap;
using Xunit;

namespace Hpc.Tests.Bootstrap;

/// <summary>
/// The rank's side of the rendezvous channel (<see cref="LineChannel"/>): its synchronous connect
/// and blocking <see cref="LineChannel.ReadLine"/>, which must read exactly what the async form
/// reads, whatever way the bytes are split.
/// </summary>
public sealed class LineChannelTests
{
    /// <summary>A stream that hands out its bytes a few at a time, as a socket may.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task ReadLine_ReadsWhatReadLineAsyncReads(int chunk)
    {
        byte[] bytes = Encoding.ASCII.GetBytes("CHALLENGE abc\nTABLE 2\n0 host tcp://1.2.3.4:5\n\n1 host tcp://1.2.3.4:6\npartial");
        using var sync = new LineChannel(new TrickleStream(bytes, chunk));
        using var async = new LineChannel(new TrickleStream(bytes, chunk));
        string?[] expected = ["CHALLENGE abc", "TABLE 2", "0 host tcp://1.2.3.4:5", "", "1 host tcp://1.2.3.4:6", null];
        foreach (string? line in expected)
        {
            Assert.Equal(line, sync.ReadLine());
            Assert.Equal(line, await async.ReadLineAsync());
        }
    }

    [Fact]
    public void ReadLine_RejectsALineLongerThanTheProtocolAllows()
    {
        byte[] bytes = Encoding.ASCII.GetBytes(new string('x', RendezvousProtocol.MaxLineLength + 10) + "\n");
        using var channel = new LineChannel(new TrickleStream(bytes, 1000));
        Assert.Throws<InvalidDataException>(() => channel.ReadLine());
    }

    /// <summary>A listening socket on a free loopback port.</summary>
    private static Socket ListenOnLoopback(out int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        return listener;
    }

    [Fact]
    public void Connect_ExchangesLinesWithAListener()
    {
        using Socket listener = ListenOnLoopback(out int port);

        using LineChannel client = LineChannel.Connect($"127.0.0.1:{port}", TimeSpan.FromSeconds(10));
        using var server = new LineChannel(new NetworkStream(listener.Accept(), ownsSocket: true));
        server.WriteLine("CHALLENGE 00ff");
        Assert.Equal("CHALLENGE 00ff", client.ReadLine());
        client.WriteLine("HELLO 3 proof");
        Assert.Equal("HELLO 3 proof", server.ReadLine());
        Assert.Equal(IPAddress.Loopback, client.LocalAddress);
    }

    [Fact]
    public void Connect_ToAClosedPortFailsAtOnceWithTheAddress()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        var started = DateTime.UtcNow;
        IOException e = Assert.Throws<IOException>(() => LineChannel.Connect($"127.0.0.1:{port}", TimeSpan.FromSeconds(30)));
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Connect_ResolvesAHostName()
    {
        using Socket listener = ListenOnLoopback(out int port);
        // localhost may resolve to ::1 first; the IPv4 address is tried next.
        using LineChannel client = LineChannel.Connect($"localhost:{port}", TimeSpan.FromSeconds(10));
        using Socket accepted = listener.Accept();
        Assert.True(accepted.Connected);
    }
}
