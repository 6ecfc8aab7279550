using Hpc.Diagnostics;
using Xunit;

namespace Hpc.Tests.Diagnostics;

public class CallTrackerTests
{
    [Fact]
    public void TwoWorldsInOneProcessDescribeOnlyTheirOwnCalls()
    {
        RankRuntime a = RankRuntime.CreateInProcessWorld(1)[0];
        RankRuntime b = RankRuntime.CreateInProcessWorld(1)[0];
        var worldA = new Communicator(a, RankRuntime.WorldContext, [0], 0, "world A");
        var worldB = new Communicator(b, RankRuntime.WorldContext, [0], 0, "world B");

        using (a.Calls.Enter<int>(CallKind.Receive, worldA, peer: 0, tag: 7, count: 3))
        {
            Assert.Equal("Receive(source=0, tag=7, count=3, int) on world A", a.Calls.Describe());
            Assert.DoesNotContain("Receive", b.Calls.Describe());

            // The same thread enters a call of the other world: each tracker keeps its own record.
            using (b.Calls.Enter<double>(CallKind.Send, worldB, peer: 0, tag: 1, count: 1))
            {
                Assert.Equal("Send(dest=0, tag=1, count=1, double) on world B", b.Calls.Describe());
                Assert.StartsWith("Receive(", a.Calls.Describe());
            }
            Assert.StartsWith("Receive(", a.Calls.Describe());
            Assert.StartsWith("not inside an Hpc call", b.Calls.Describe());
        }
        Assert.StartsWith("not inside an Hpc call", a.Calls.Describe());
    }
}
