using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

/// <summary>The default binding (mpirun without --bind-to) on made-up machines: Open MPI's rule.</summary>
public class CpuBindingAutoTests
{
    /// <summary>Two sockets of four single-thread cores: CPUs 0-3 on socket 0, 4-7 on socket 1.</summary>
    private static readonly CpuSet[] Cores = [.. Enumerable.Range(0, 8).Select(c => new CpuSet([c], $"core {c}"))];

    private static readonly CpuSet[] Sockets = [new([0, 1, 2, 3], "socket 0"), new([4, 5, 6, 7], "socket 1")];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void UpToTwoRanksEachGetACoreOfTheirOwn(int ranks)
    {
        IReadOnlyList<CpuSet> plan = CpuBinding.PlanAuto(Cores, Sockets, ranks);
        Assert.Equal(Cores.Take(ranks), plan);
    }

    [Fact]
    public void MoreThanTwoRanksEachGetTheSocketOfTheirCore()
    {
        IReadOnlyList<CpuSet> plan = CpuBinding.PlanAuto(Cores, Sockets, 6);
        Assert.Equal(["socket 0", "socket 0", "socket 0", "socket 0", "socket 1", "socket 1"], plan.Select(p => p.Description));
        Assert.Equal([4, 5, 6, 7], plan[5].Cpus);
    }

    [Fact]
    public void MoreRanksThanCoresAreNotBound()
    {
        Assert.Empty(CpuBinding.PlanAuto(Cores, Sockets, 9));
        Assert.Empty(CpuBinding.PlanAuto([], [], 1));
    }

    [Fact]
    public void HardwareThreadsOfACoreStayTogether()
    {
        CpuSet[] smtCores = [new([0, 4], "core 0"), new([1, 5], "core 1"), new([2, 6], "core 2"), new([3, 7], "core 3")];
        CpuSet[] oneSocket = [new([0, 1, 2, 3, 4, 5, 6, 7], "socket 0")];
        Assert.Equal([[0, 4], [1, 5]], CpuBinding.PlanAuto(smtCores, oneSocket, 2).Select(p => p.Cpus));
        Assert.All(CpuBinding.PlanAuto(smtCores, oneSocket, 4), p => Assert.Equal("socket 0", p.Description));
    }
}
