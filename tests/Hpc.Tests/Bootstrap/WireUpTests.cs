using Hpc.Bootstrap;
using Xunit;

namespace Hpc.Tests.Bootstrap;

public class WireUpTests
{
    private static readonly PeerEndpoint Self = new(0, "node1", PeerEndpoint.Publish("tcp://10.0.0.1:5000", "/dev/shm/hpc-j-0"));

    [Fact]
    public void EachPeerGetsTheFirstTransportThatCanReachIt()
    {
        var sameHost = new PeerEndpoint(1, "node1", PeerEndpoint.Publish("tcp://10.0.0.1:5001", "/dev/shm/hpc-j-1"));
        var sameHostNoInbox = new PeerEndpoint(2, "node1", PeerEndpoint.Publish("tcp://10.0.0.1:5002", null));
        var otherHost = new PeerEndpoint(3, "node2", PeerEndpoint.Publish("tcp://10.0.0.2:5000", "/dev/shm/hpc-j-3"));
        Assert.Equal(TransportKind.Self, WireUp.Choose(Self, Self, hasInbox: true, TransportChoice.Auto));
        Assert.Equal(TransportKind.SharedMemory, WireUp.Choose(Self, sameHost, hasInbox: true, TransportChoice.Auto));
        Assert.Equal(TransportKind.Tcp, WireUp.Choose(Self, sameHostNoInbox, hasInbox: true, TransportChoice.Auto));
        Assert.Equal(TransportKind.Tcp, WireUp.Choose(Self, otherHost, hasInbox: true, TransportChoice.Auto));
        // HPC_TRANSPORT=tcp: the rank made no inbox, so even its host's peers go over TCP.
        Assert.Equal(TransportKind.Tcp, WireUp.Choose(Self, sameHost, hasInbox: false, TransportChoice.Tcp));
    }

    [Fact]
    public void SharedMemoryOnlyRefusesAPeerOnAnotherHostNamingBoth()
    {
        var otherHost = new PeerEndpoint(3, "node2", PeerEndpoint.Publish("tcp://10.0.0.2:5000", "/dev/shm/hpc-j-3"));
        var error = Assert.Throws<HpcException>(() => WireUp.Choose(Self, otherHost, hasInbox: true, TransportChoice.SharedMemory));
        Assert.Equal("HPC_TRANSPORT=shm, but rank 3 runs on host 'node2', not on 'node1'", error.Message);
    }

    [Fact]
    public void APublishedEndpointSplitsBackIntoItsParts()
    {
        Assert.Equal("tcp://10.0.0.1:5000", Self.TcpEndpoint);
        Assert.Equal("/dev/shm/hpc-j-0", Self.InboxPath);
        var tcpOnly = new PeerEndpoint(1, "node1", PeerEndpoint.Publish("tcp://10.0.0.1:5001", null));
        Assert.Equal("tcp://10.0.0.1:5001", tcpOnly.TcpEndpoint);
        Assert.Null(tcpOnly.InboxPath);
    }

    [Fact]
    public void TheKernelTravelsBetweenTheTcpEndpointAndTheInbox()
    {
        var peer = new PeerEndpoint(1, "node1", PeerEndpoint.Publish("tcp://10.0.0.1:5001", "/dev/shm/hpc-j,1", "boot-a"));
        Assert.Equal("tcp://10.0.0.1:5001", peer.TcpEndpoint);
        Assert.Equal("boot-a", peer.Kernel);
        Assert.Equal("/dev/shm/hpc-j,1", peer.InboxPath);
        var noInbox = new PeerEndpoint(2, "node1", PeerEndpoint.Publish("tcp://10.0.0.1:5002", null, "boot-b"));
        Assert.Equal("boot-b", noInbox.Kernel);
        Assert.Null(noInbox.InboxPath);
        // A rank that knows no kernel id (not Linux) counts as its own host's machine.
        Assert.Equal("node1", Self.Kernel);
    }

    [Fact]
    public void RanksOfOneKernelShareItsCoresWhateverTheirHostNames()
    {
        // Two namespace "hosts" on one machine, and a third host on another machine.
        PeerEndpoint[] peers =
        [
            new(0, "ns1", PeerEndpoint.Publish("tcp://10.0.0.1:1", "/dev/shm/a", "boot-a")),
            new(1, "ns1", PeerEndpoint.Publish("tcp://10.0.0.1:2", "/dev/shm/b", "boot-a")),
            new(2, "ns2", PeerEndpoint.Publish("tcp://10.0.0.2:1", "/dev/shm/c", "boot-a")),
            new(3, "ns2", PeerEndpoint.Publish("tcp://10.0.0.2:2", "/dev/shm/d", "boot-a")),
            new(4, "far", PeerEndpoint.Publish("tcp://10.0.0.3:1", "/dev/shm/e", "boot-b")),
        ];
        Assert.Equal(4, WireUp.RanksSharingCores(peers, peers[0]));
        Assert.Equal(1, WireUp.RanksSharingCores(peers, peers[4]));
        // The shared-memory choice still follows host names: ns1 and ns2 have separate /dev/shm.
        Assert.Equal(TransportKind.Tcp, WireUp.Choose(peers[0], peers[2], hasInbox: true, TransportChoice.Auto));
    }
}
