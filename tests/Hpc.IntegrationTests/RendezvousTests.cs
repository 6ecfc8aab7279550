namespace Hpc.IntegrationTests;

/// <summary>
/// The launcher's rendezvous server, driven end to end: the ranks are real processes started by
/// the real launcher, and the test speaks the protocol on their behalf with the secret they print.
/// </summary>
public sealed class RendezvousTests
{
    private static readonly string Script = RankIdentity.PrintScript + "; exec sleep 30";

    [Fact]
    public void TableGoesToEveryRankAndTimeoutQueriesTheirStates()
    {
        using var mpirun = Mpirun.Start(["-np", "2", "--timeout", "6", "sh", "-c", Script]);
        RankIdentity[] ranks = RankIdentity.ReadAll(mpirun, 2);
        using FakeRank rank0 = FakeRank.Connect(ranks[0]);
        using FakeRank rank1 = FakeRank.Connect(ranks[1]);

        rank0.WriteLine("PUBLISH node-a tcp://127.0.0.1:1000");
        rank1.WriteLine("PUBLISH node-b tcp://127.0.0.1:1001 shm://x");
        string[] expected = ["TABLE 2", "0 node-a tcp://127.0.0.1:1000", "1 node-b tcp://127.0.0.1:1001 shm://x"];
        Assert.Equal(expected, rank0.ReadTable());
        Assert.Equal(expected, rank1.ReadTable());

        // At the timeout the launcher asks what everyone waits for; rank 1 stays silent.
        Assert.Equal("QUERY", rank0.ReadLine());
        rank0.WriteLine("STATUS waiting in Recv(source=1, tag=7)");
        Assert.Equal("QUERY", rank1.ReadLine());
        MpirunResult result = mpirun.WaitForExit();

        Assert.True(result.ExitCode == 124, result.ToString());
        Assert.Contains("mpirun: job timed out after 6 s; rank states:\n", result.Stderr);
        Assert.Contains("rank 0: waiting in Recv(source=1, tag=7)\n", result.Stderr);
        Assert.Contains("rank 1: no answer\n", result.Stderr);
        Assert.StartsWith("KILL", rank0.ReadLine());
        foreach (RankIdentity rank in ranks)
            Native.AssertGone(rank.Pid, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void AbortEndsTheJobWithItsCodeAndText()
    {
        using var mpirun = Mpirun.Start(["-np", "3", "sh", "-c", Script]);
        RankIdentity[] ranks = RankIdentity.ReadAll(mpirun, 3);
        using FakeRank rank1 = FakeRank.Connect(ranks[1]);
        rank1.WriteLine("PUBLISH node-b tcp://127.0.0.1:1001");

        rank1.WriteLine("ABORT 5 matrix is singular at step 12");
        MpirunResult result = mpirun.WaitForExit();

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal($"mpirun: rank 1 (host node-b, pid {ranks[1].Pid}) called Abort(5): matrix is singular at step 12\n", result.Stderr);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(15), result.ToString());
        foreach (RankIdentity rank in ranks)
            Native.AssertGone(rank.Pid, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void AbortWithCodeZeroStillFails()
    {
        using var mpirun = Mpirun.Start(["-np", "1", "sh", "-c", Script]);
        RankIdentity rank = RankIdentity.ReadAll(mpirun, 1)[0];
        using FakeRank client = FakeRank.Connect(rank);

        client.WriteLine("ABORT 0 nothing to do");
        MpirunResult result = mpirun.WaitForExit();

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"^mpirun: rank 0 \(host [^,]+, pid \d+\) called Abort\(0\): nothing to do\n$", result.Stderr);
    }

    [Fact]
    public void UnauthenticatedOrMalformedConnectionsAreDroppedAndTheJobGoesOn()
    {
        using var mpirun = Mpirun.Start(["-np", "2", "-v", "sh", "-c", Script]);
        RankIdentity[] ranks = RankIdentity.ReadAll(mpirun, 2);

        using (FakeRank wrong = FakeRank.Connect(ranks[0], wrongProof: true))
            Assert.True(wrong.WasDropped());
        using (FakeRank impostor = FakeRank.Connect(ranks[0] with { Secret = new string('0', 64) }))
            Assert.True(impostor.WasDropped());
        using (FakeRank outOfRange = FakeRank.Connect(ranks[0] with { Rank = 2 }))
            Assert.True(outOfRange.WasDropped());
        using (FakeRank garbage = FakeRank.ConnectRaw(ranks[0].Rendezvous))
        {
            Assert.StartsWith("CHALLENGE ", garbage.ReadLine());
            garbage.WriteLine("HELLO zero nonsense");
            Assert.True(garbage.WasDropped());
        }
        using (var flood = new System.Net.Sockets.TcpClient())
        {
            // A line longer than the protocol allows must be refused without being buffered.
            (string host, int port) = Hpc.Bootstrap.LineChannel.ParseAddress(ranks[0].Rendezvous);
            flood.Connect(host, port);
            var stream = flood.GetStream();
            try
            {
                stream.Write(Enumerable.Repeat((byte)'A', 64 * 1024).ToArray());
            }
            catch (IOException)
            {
                // Already dropped: fine.
            }
        }

        using FakeRank real = FakeRank.Connect(ranks[0]);
        // The server handles connections concurrently: the duplicate must come after the real
        // one was accepted, or the duplicate would win and the real one be the one dropped.
        mpirun.WaitForStderr("rendezvous: rank 0 connected from", TimeSpan.FromSeconds(20));
        using (FakeRank duplicate = FakeRank.Connect(ranks[0]))
            Assert.True(duplicate.WasDropped());
        real.WriteLine("ABORT 3 still supervised");
        MpirunResult result = mpirun.WaitForExit();

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("called Abort(3): still supervised\n", result.Stderr);
        // -v says why each connection was refused.
        Assert.Contains("failed the challenge for rank 0; dropped", result.Stderr);
        Assert.Contains("sent a malformed HELLO; dropped", result.Stderr);
        Assert.Contains("a second connection claims rank 0; dropped", result.Stderr);
        Assert.Contains("longer than 4096 bytes", result.Stderr);
    }

    [Fact]
    public void FinalizedRanksThatExitZeroCompleteTheJob()
    {
        string flag = Path.Combine(Path.GetTempPath(), "hpc-test-flag-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var mpirun = Mpirun.Start(["-np", "2", "sh", "-c",
                RankIdentity.PrintScript + $"; while [ ! -e {flag} ]; do sleep 0.05; done"]);
            RankIdentity[] ranks = RankIdentity.ReadAll(mpirun, 2);
            FakeRank[] clients = [.. ranks.Select(r => FakeRank.Connect(r))];
            for (int rank = 0; rank < 2; rank++)
                clients[rank].WriteLine($"PUBLISH localhost tcp://127.0.0.1:{2000 + rank}");
            foreach (FakeRank client in clients)
            {
                Assert.Equal(3, client.ReadTable().Length);
                client.WriteLine("FINALIZED");
                client.Dispose();
            }

            File.WriteAllText(flag, "");
            MpirunResult result = mpirun.WaitForExit();

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("", result.Stderr);
        }
        finally
        {
            File.Delete(flag);
        }
    }

    [Fact]
    public void RankExitingBeforeWireUpEndsTheJobInsteadOfHanging()
    {
        using var mpirun = Mpirun.Start(["-np", "2", "sh", "-c",
            RankIdentity.PrintScript + "; if [ $HPC_RANK = 1 ]; then sleep 1; exit 0; fi; exec sleep 30"]);
        RankIdentity[] ranks = RankIdentity.ReadAll(mpirun, 2);
        using FakeRank rank0 = FakeRank.Connect(ranks[0]);
        rank0.WriteLine("PUBLISH localhost tcp://127.0.0.1:3000");

        MpirunResult result = mpirun.WaitForExit();

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches($@"^mpirun: rank 1 \(host [^,]+, pid {ranks[1].Pid}\) exited with code 0 without publishing its endpoint", result.Stderr);
        Native.AssertGone(ranks[0].Pid, TimeSpan.FromSeconds(1));
    }
}
