using System.Net;
using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

public class LocalHostTests
{
    [Fact]
    public void ThisMachineIsLocalByNameOrAddress()
    {
        Assert.True(LocalHost.IsLocal("localhost"));
        Assert.True(LocalHost.IsLocal("127.0.0.1"));
        Assert.True(LocalHost.IsLocal("[::1]"));
        Assert.True(LocalHost.IsLocal(Environment.MachineName));
        Assert.True(LocalHost.IsLocal(Dns.GetHostName() + ".some.domain"));
    }

    [Fact]
    public void OtherHostsAreNot()
    {
        Assert.False(LocalHost.IsLocal("hpc-no-such-host-" + Guid.NewGuid().ToString("N")));
        Assert.False(LocalHost.IsLocal("192.0.2.254"));
    }

    [Fact]
    public void AJobWhoseHostsAreAllThisMachineStaysOnLoopback()
    {
        var spec = new JobSpec([new JobProgram("prog", [], 2, 0, [], null)], [], new OutputOptions(), null, null, false,
            Placement.Compute([new HostSlots("localhost", 2), new HostSlots("127.0.0.1", 2)], 2, MapBy.Slot, false));
        JobNetwork network = JobNetwork.For(spec);
        Assert.False(network.SpansHosts);
        Assert.Equal(IPAddress.Loopback, network.Address);
    }

    [Fact]
    public void AnotherHostTheRanksLeaveEmptyStillSpansTheJob()
    {
        // Spawn may place children on "elsewhere": it needs a daemon, and the ranks here a reachable address.
        var spec = new JobSpec([new JobProgram("prog", [], 2, 0, [], null)], [], new OutputOptions(), null, null, false,
            Placement.Compute([new HostSlots("localhost", 2), new HostSlots("elsewhere", 2)], 2, MapBy.Slot, false), Iface: "lo");
        JobNetwork network = JobNetwork.For(spec);
        Assert.Equal([true, false], network.IsLocal);
        Assert.True(network.SpansHosts);
    }
}
