namespace Hpc.IntegrationTests;

/// <summary>
/// The node-aware collectives in a real job on two pretend hosts of this machine: a launch agent
/// that runs each host's daemon right here, so the ranks of host "fakea" share memory with each
/// other and reach "fakeb" only over TCP, as on two machines. Needs no root (the
/// network-namespace hosts of <see cref="MultiHostTests"/> do).
/// </summary>
public sealed class NodeAwareJobTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    private readonly PretendHosts _hosts = new();

    private string Agent => _hosts.Agent;

    public void Dispose() => _hosts.Dispose();

    [Theory]
    [InlineData("fakea:2,fakeb:2", 4, "node-aware ok: 4 ranks on 2 hosts, allreduce hierarchical, barrier hierarchical, bcast 1 MiB chain")]
    [InlineData("fakea:3,fakeb:1,fakec:2", 6, "node-aware ok: 6 ranks on 3 hosts, allreduce hierarchical, barrier hierarchical, bcast 1 MiB chain")]
    [InlineData("fakea:1,fakeb:1", 2, "node-aware ok: 2 ranks on 2 hosts, allreduce recursive_doubling, barrier dissemination, bcast 1 MiB binomial")]
    public void EveryCollectiveIsCorrectOnPretendHosts(string hosts, int ranks, string expected)
    {
        if (!OperatingSystem.IsLinux())
            return;
        MpirunResult result = Mpirun.Run(["-H", hosts, "--launch-agent", Agent, "--iface", "lo", "-np", ranks.ToString(),
            RankPrograms.TestRank, "node-aware"], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(expected, result.Stdout);
        if (Directory.Exists("/dev/shm"))
            Assert.Empty(Directory.GetFiles("/dev/shm", $"hpc-hpc-{result.Pid}-*").Concat(Directory.GetFiles("/dev/shm", $"hpc-{result.Pid}-*")));
    }
}
