using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

public class HostListParserTests
{
    [Fact]
    public void ReadsHostsWithAndWithoutSlotCounts()
    {
        Assert.Equal([new HostSlots("host1", 2), new HostSlots("host2", 1), new HostSlots("10.0.0.3", 4)],
            HostListParser.Parse(["host1:2,host2", "10.0.0.3:4"]));
    }

    [Fact]
    public void ARepeatedHostGetsTheSumLikeOpenMpi()
    {
        Assert.Equal([new HostSlots("a", 3), new HostSlots("b", 1)], HostListParser.Parse(["a,a:2,b"]));
    }

    [Fact]
    public void AnIpv6LiteralInBracketsKeepsItsColons()
    {
        Assert.Equal([new HostSlots("[fe80::1]", 1), new HostSlots("[fe80::2]", 2)], HostListParser.Parse(["[fe80::1],[fe80::2]:2"]));
    }

    [Theory]
    [InlineData("a:x", "-H a:x: slot count of 'a:x' must be a whole number of at least 1")]
    [InlineData("a:0", "-H a:0: slot count of 'a:0' must be a whole number of at least 1")]
    [InlineData("a,,b", "-H a,,b: empty host name (expected host[:slots],...)")]
    [InlineData(":2", "-H :2: empty host name in ':2'")]
    public void MalformedEntriesAreQuoted(string argument, string message)
    {
        var error = Assert.Throws<UsageException>(() => HostListParser.Parse([argument]));
        Assert.Equal(message, error.Message);
    }
}
