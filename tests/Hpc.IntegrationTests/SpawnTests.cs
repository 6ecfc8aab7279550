using System.Text.RegularExpressions;

namespace Hpc.IntegrationTests;

/// <summary>
/// Communicator.Spawn through the real launcher (tests/Hpc.TestRank's "spawn" scenarios): parents
/// start 3 children of the same program, exchange point-to-point messages (one large), Barrier,
/// Allreduce and Broadcast across the intercommunicator, and Merge; a failing child ends the job.
/// </summary>
public class SpawnTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SpawnedChildrenTalkToTheirParentsAcrossTheIntercommunicator(int np)
    {
        MpirunResult result = Mpirun.Run(["-np", np.ToString(), "--tag-output", RankPrograms.TestRank, "spawn"], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"[1,0]<stdout>:spawn ok: {np} parents, 3 children", result.Stdout);
        // The children's lines carry the spawned job's number, as Open MPI tags them.
        for (int child = 0; child < 3; child++)
            Assert.Contains($"[2,{child}]<stdout>:child {child} of 3 ok: {np} parents", result.Stdout);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    /// <summary>
    /// The even world ranks spawn (root: the last of them, so ranks in the spawning communicator
    /// are not world ranks); at np 4 the children spawn a grandchild in turn.
    /// </summary>
    [Theory]
    [InlineData(3, "split spawn ok: 2 parents, 2 children")]
    [InlineData(4, "split spawn ok: 2 parents, 2 children, 1 grandchild")]
    public void ASplitOfTheWorldSpawnsAndSpawnedWorldsSpawnInTurn(int np, string expected)
    {
        MpirunResult result = Mpirun.Run(["-np", np.ToString(), RankPrograms.TestRank, "spawn-sub"], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(expected, result.Stdout);
        Assert.Contains("split child 0 ok", result.Stdout);
        Assert.Contains("split child 1 ok", result.Stdout);
        Assert.Equal(np == 4, result.Stdout.Contains("grandchild ok"));
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    /// <summary>
    /// MPI's host info key without a host list: this machine by any of its names places the
    /// children as usual; another host fails the Spawn on every parent, naming it.
    /// </summary>
    [Fact]
    public void TheHostKeyNamesThisMachineOrFailsTheSpawn()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", "--tag-output", RankPrograms.TestRank, "spawn", "host=localhost"], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[1,0]<stdout>:spawn ok: 2 parents, 3 children", result.Stdout);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));

        MpirunResult refused = Mpirun.Run(["-np", "2", RankPrograms.TestRank, "spawn", "host=hpc-test-elsewhere"], Limit);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Spawn on 'world' failed: host 'hpc-test-elsewhere' is not this machine, and the job has no host list to place children on", refused.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(refused.Pid));
    }

    /// <summary>
    /// Children placed on a pretend host (a daemon run right here, <see cref="PretendHosts"/>) are
    /// started by that host's daemon, which needs no root: one parent on each of two hosts, the
    /// second host's two free slots take two children and the third wraps round to the first.
    /// </summary>
    [Fact]
    public void ChildrenOnAnotherHostAreStartedByItsDaemon()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var hosts = new PretendHosts();
        MpirunResult result = Mpirun.Run(["-H", "fakea:1,fakeb:3", "--launch-agent", hosts.Agent, "--iface", "lo", "--tag-output", "-np", "2",
            RankPrograms.TestRank, "spawn"], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[1,0]<stdout>:spawn ok: 2 parents, 3 children", result.Stdout);
        string[] placed = [.. Enumerable.Range(0, 3).Select(child =>
            Regex.Match(result.Stdout, $@"\[2,{child}\]<stdout>:child {child} of 3 ok: 2 parents on .* as (\S+)").Groups[1].Value)];
        Assert.Equal(["fakea", "fakeb", "fakeb"], placed);
        Assert.Empty(PretendHosts.ProcessesLeftOf(result.Pid));
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void AFailingChildEndsTheJobNamingIt()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", RankPrograms.TestRank, "spawn", "fail"], Limit);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("child 1 fails on purpose", result.Stderr);
        Match named = Regex.Match(result.Stderr, @"mpirun: spawned rank 1 of spawn 1 \(host [^,]+, pid (\d+)\) exited with code 1; terminating the job");
        Assert.True(named.Success, result.ToString());
        Native.AssertGone(int.Parse(named.Groups[1].Value), TimeSpan.FromSeconds(2));
        Assert.DoesNotContain("spawn ok", result.Stdout);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void AChildThatAbortsEndsTheJobWithItsCode()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", RankPrograms.TestRank, "spawn", "abort"], Limit);
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Matches(@"mpirun: spawned rank 2 of spawn 1 \(host [^,]+, pid \d+\) called Abort\(3\): child 2 gives up", result.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void TheTimeoutReportShowsWhatTheChildrenWaitFor()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", "--timeout", "8", RankPrograms.TestRank, "spawn", "hang"], Limit);
        Assert.True(result.ExitCode == 124, result.ToString());
        Assert.Contains("spawn 1 (3 processes, ranks of their own world) states:", result.Stderr);
        Assert.Contains("mpirun:   rank 0: Receive(source=1, tag=99, count=1, int) on world, waiting for rank 1", result.Stderr);
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void SpawningAMissingProgramThrowsOnEveryParentAndTheJobGoesOn()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", RankPrograms.TestRank, "spawn-missing"], Limit);
        Assert.True(result.ExitCode == 0, result.ToString());
        for (int rank = 0; rank < 2; rank++)
            Assert.Contains($"rank {rank}: spawn refused: Spawn on 'world' failed: program '/nonexistent/program.dll' not found", result.Stdout);
    }
}
