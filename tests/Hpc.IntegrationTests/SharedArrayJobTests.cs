using System.Globalization;

namespace Hpc.IntegrationTests;

/// <summary>
/// Shared arrays between real processes: the host block is a /dev/shm file that must be gone as
/// soon as every rank has mapped it, so neither a normal exit nor a SIGKILL leaves anything. The
/// tests look only at this job's files (named after its launcher's pid, <see cref="RankPrograms.SharedMemoryLeftovers"/>).
/// </summary>
public class SharedArrayJobTests
{
    [Fact]
    public void SlicesAndABroadcastOncePerHostWorkAcrossProcessesAndLeaveNoFile()
    {
        MpirunResult result = Mpirun.Run(["-np", "4", RankPrograms.TestRank, "shared-array"], TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"shared arrays ok: 4 ranks, {4 * 100_000 + 6} elements on this host", result.Stdout);
        // Each rank looked while the arrays were alive: the names were already unlinked.
        string[] reports = [.. result.StdoutLines.Where(l => l.Contains("array-files", StringComparison.Ordinal))];
        Assert.Equal(4, reports.Length);
        Assert.All(reports, l => Assert.EndsWith("array-files 0", l));
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    [Fact]
    public void ARankKilledWhileHoldingSharedArraysLeavesNothingInDevShm()
    {
        using Mpirun mpirun = Mpirun.Start(["-np", "3", RankPrograms.TestRank, "shared-array", "hold"], TimeSpan.FromSeconds(90));
        var pids = new Dictionary<int, int>();
        for (int i = 0; i < 3; i++)
        {
            // "rank R pid P array-files N"
            string[] words = mpirun.ReadStdoutLine(TimeSpan.FromSeconds(60)).Split(' ');
            pids[int.Parse(words[1], CultureInfo.InvariantCulture)] = int.Parse(words[3], CultureInfo.InvariantCulture);
            Assert.Equal("0", words[5]);
        }
        // Every rank maps both arrays and waits: nothing of this job may have a name in /dev/shm
        // now, not even the inboxes, so a SIGKILL of the whole job could leave nothing either.
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(mpirun.Pid));
        Assert.Equal(0, Native.Kill(pids[1], 9));
        MpirunResult result = mpirun.WaitForExit();
        Assert.Equal(128 + 9, result.ExitCode);
        Assert.Matches($@"rank 1 \(host .+, pid {pids[1]}\) was killed by signal 9", result.Stderr);
        foreach (int pid in pids.Values)
            Native.AssertGone(pid, TimeSpan.FromSeconds(5));
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(mpirun.Pid));
    }
}
