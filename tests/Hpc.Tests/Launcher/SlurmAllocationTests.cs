using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

public class SlurmAllocationTests
{
    [Theory]
    [InlineData("node[01-03,07]", "node01 node02 node03 node07")]
    [InlineData("a[1-2],b3", "a1 a2 b3")]
    [InlineData("node[8-11]", "node8 node9 node10 node11")]
    [InlineData("node[008-010]", "node008 node009 node010")]
    [InlineData("n[09-10]", "n09 n10")]
    [InlineData("single", "single")]
    [InlineData("x[1-2]-y[1-2]", "x1-y1 x1-y2 x2-y1 x2-y2")]
    [InlineData("gpu[3],cpu[1,4-5].local", "gpu3 cpu1.local cpu4.local cpu5.local")]
    public void ExpandsCompressedNodeLists(string list, string expected)
    {
        Assert.Equal(expected.Split(' '), SlurmAllocation.ExpandNodeList(list));
    }

    [Theory]
    [InlineData("node[1-")]
    [InlineData("node[3-1]")]
    [InlineData("node[a-b]")]
    [InlineData("node]1[")]
    [InlineData("a,,b")]
    [InlineData("node[]")]
    public void RejectsMalformedNodeLists(string list)
    {
        var error = Assert.Throws<UsageException>(() => SlurmAllocation.ExpandNodeList(list));
        Assert.Contains($"SLURM_JOB_NODELIST='{list}'", error.Message);
    }

    [Theory]
    [InlineData("2(x3),1", new[] { 2, 2, 2, 1 })]
    [InlineData("4", new[] { 4 })]
    [InlineData("1,2,3", new[] { 1, 2, 3 })]
    [InlineData("16(x2)", new[] { 16, 16 })]
    public void ExpandsTasksPerNode(string text, int[] expected)
    {
        Assert.Equal(expected, SlurmAllocation.ExpandTasksPerNode(text));
    }

    [Theory]
    [InlineData("2(3)")]
    [InlineData("2(x)")]
    [InlineData("x")]
    [InlineData("2(x3")]
    [InlineData("0")]
    [InlineData("")]
    public void RejectsMalformedTasksPerNode(string text)
    {
        var error = Assert.Throws<UsageException>(() => SlurmAllocation.ExpandTasksPerNode(text));
        Assert.StartsWith($"SLURM_TASKS_PER_NODE='{text}' is malformed", error.Message);
    }

    [Fact]
    public void ReadsTheAllocationFromTheEnvironment()
    {
        var environment = new Dictionary<string, string>
        {
            ["SLURM_JOB_NODELIST"] = "node[01-03],gpu7",
            ["SLURM_TASKS_PER_NODE"] = "2(x3),1",
            ["SLURM_NTASKS"] = "7",
        };
        var (hosts, tasks) = SlurmAllocation.Read(environment.GetValueOrDefault)!.Value;
        Assert.Equal([new HostSlots("node01", 2), new HostSlots("node02", 2), new HostSlots("node03", 2), new HostSlots("gpu7", 1)], hosts);
        Assert.Equal(7, tasks);
    }

    [Fact]
    public void OutsideAnAllocationThereIsNone()
    {
        Assert.Null(SlurmAllocation.Read(_ => null));
    }

    [Fact]
    public void MismatchedCountsAreReported()
    {
        var environment = new Dictionary<string, string> { ["SLURM_JOB_NODELIST"] = "n[1-3]", ["SLURM_TASKS_PER_NODE"] = "2(x2)" };
        var error = Assert.Throws<UsageException>(() => SlurmAllocation.Read(environment.GetValueOrDefault));
        Assert.Equal("SLURM_TASKS_PER_NODE='2(x2)' gives 2 counts for the 3 nodes of SLURM_JOB_NODELIST='n[1-3]'", error.Message);
    }
}
