using Xunit;
using System.Net;
using Hpc.Bootstrap;

namespace Hpc.Tests.Bootstrap;

public class RuntimeOptionsTests
{
    private static RuntimeOptions Parse(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return RuntimeOptions.FromVariables(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void AnEmptyEnvironmentGivesTheDefaults()
    {
        RuntimeOptions options = Parse();
        Assert.Equal(RuntimeOptions.Default with { Collectives = options.Collectives }, options);
        Assert.Equal(TransportChoice.Auto, options.Transport);
        Assert.Null(options.EagerLimit);
        Assert.Null(options.SpinMicroseconds);
        Assert.True(options.SingleCopy);
        Assert.True(options.DirectWake);
        Assert.True(options.SharedMemoryCollectives);
        Assert.False(options.CheckCollectives);
        Assert.Equal(IPAddress.Loopback, options.BindAddress);
    }

    [Fact]
    public void EveryVariableIsRead()
    {
        RuntimeOptions options = Parse(
            ("HPC_TRANSPORT", "tcp"), ("HPC_EAGER_LIMIT", "4096"), ("HPC_SPIN_US", "50"), ("HPC_SLICE_US", "2000"), ("HPC_SINGLE_COPY", "0"), ("HPC_DIRECT_WAKE", "0"),
            ("HPC_VERBOSE", "true"), ("HPC_SHM_COLLECTIVES", "off"), ("HPC_CHECK", "1"), ("HPC_BIND_ADDRESS", "10.0.0.7"),
            ("HPC_HOST_NAME", "node3"), ("HPC_COLL", "allreduce=ring"));
        Assert.Equal(TransportChoice.Tcp, options.Transport);
        Assert.Equal(4096, options.EagerLimit);
        Assert.Equal(50, options.SpinMicroseconds);
        Assert.Equal(2000, options.TimeSliceMicroseconds);
        Assert.False(options.SingleCopy);
        Assert.False(options.DirectWake);
        Assert.True(options.Verbose);
        Assert.False(options.SharedMemoryCollectives);
        Assert.True(options.CheckCollectives);
        Assert.Equal(IPAddress.Parse("10.0.0.7"), options.BindAddress);
        Assert.Equal("node3", options.HostName);
        Assert.Equal(AllreduceAlgorithm.Ring, (AllreduceAlgorithm)options.Collectives.Choose(Collective.Allreduce, 4, 8));
    }

    [Theory]
    [InlineData("HPC_TRANSPORT", "udp", "HPC_TRANSPORT='udp' is not one of: auto, shm, tcp")]
    [InlineData("HPC_EAGER_LIMIT", "lots", "HPC_EAGER_LIMIT='lots' is not a byte count from 0 to 1048576")]
    [InlineData("HPC_EAGER_LIMIT", "2000000", "HPC_EAGER_LIMIT='2000000' is not a byte count from 0 to 1048576")]
    [InlineData("HPC_SPIN_US", "-3", "HPC_SPIN_US='-3' is not a number of microseconds from 0 to 1000000, or 'auto'")]
    [InlineData("HPC_SLICE_US", "50", "HPC_SLICE_US='50' is not a number of microseconds from 100 to 100000, or 0 for the kernel's default")]
    [InlineData("HPC_SLICE_US", "short", "HPC_SLICE_US='short' is not a number of microseconds from 100 to 100000, or 0 for the kernel's default")]
    [InlineData("HPC_SINGLE_COPY", "maybe", "HPC_SINGLE_COPY='maybe' is not one of: 1, 0, true, false")]
    [InlineData("HPC_DIRECT_WAKE", "sometimes", "HPC_DIRECT_WAKE='sometimes' is not one of: 1, 0, true, false")]
    [InlineData("HPC_CHECK", "2", "HPC_CHECK='2' is not one of: 1, 0, true, false")]
    [InlineData("HPC_BIND_ADDRESS", "localhost:80", "HPC_BIND_ADDRESS='localhost:80' is not an IP address")]
    [InlineData("HPC_COLL", "allreduce=rign", "HPC_COLL='allreduce=rign': unknown allreduce algorithm 'rign'; valid: ring, tree, recursive_doubling, rabenseifner, shared_memory, hierarchical, direct")]
    public void ABadValueNamesTheVariableAndTheValidValues(string name, string value, string message)
    {
        var error = Assert.Throws<HpcException>(() => Parse((name, value)));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void TheTimeSliceIsShortByDefaultAndZeroKeepsTheKernels()
    {
        Assert.Equal(100, Parse().TimeSliceMicroseconds);
        Assert.Equal(0, Parse(("HPC_SLICE_US", "0")).TimeSliceMicroseconds);
    }

    [Fact]
    public void AutoSpinMeansAdaptive() => Assert.Null(Parse(("HPC_SPIN_US", "auto")).SpinMicroseconds);
}
