using Hpc.Messaging.Waiting;
using Xunit;

namespace Hpc.Tests.Messaging;

public class WaitStrategyTests
{
    /// <summary>A wait that never completes: pauses until the strategy says to block.</summary>
    private static void WaitUntilBlocking(WaitStrategy strategy)
    {
        WaitStrategy.Backoff backoff = strategy.Begin();
        while (backoff.Pause())
        {
        }
        Assert.True(backoff.OutlastedSpin);
        backoff.Finish();
    }

    /// <summary>A wait that completes after a few polls.</summary>
    private static void ShortWait(WaitStrategy strategy)
    {
        WaitStrategy.Backoff backoff = strategy.Begin();
        for (int i = 0; i < 3; i++)
            Assert.True(backoff.Pause());
        Assert.False(backoff.OutlastedSpin);
        backoff.Finish();
    }

    [Fact]
    public void SpinningThatDoesNotPayOffShrinksAndSpinningThatDoesGrowsBack()
    {
        var strategy = new WaitStrategy(ranksOnHost: 2, fixedSpinMicroseconds: null, cores: 2);
        Assert.Equal(WaitStrategy.MaxSpinMicroseconds, strategy.SpinMicroseconds, 0.5);
        for (int i = 0; i < 10; i++)
            WaitUntilBlocking(strategy);
        Assert.Equal(WaitStrategy.MinSpinMicroseconds, strategy.SpinMicroseconds, 0.5);
        for (int i = 0; i < 10; i++)
            ShortWait(strategy);
        Assert.Equal(WaitStrategy.MaxSpinMicroseconds, strategy.SpinMicroseconds, 0.5);
    }

    [Fact]
    public void AWaitWithACorePerRankPollsBrieflyThenBlocks()
    {
        var strategy = new WaitStrategy(ranksOnHost: 2, fixedSpinMicroseconds: null, cores: 2);
        Assert.Equal(WaitStrategy.PollMicroseconds, strategy.PollingMicroseconds, 0.5);
        // The spin is part of the polling time, never longer.
        Assert.True(WaitStrategy.MaxSpinMicroseconds <= WaitStrategy.PollMicroseconds);
        // Well inside the time slice a launched rank asks for, so it blocks before its slice runs out.
        Assert.True(WaitStrategy.PollMicroseconds * 4 <= TimeSlice.DefaultMicroseconds);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        WaitUntilBlocking(strategy);
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds >= WaitStrategy.PollMicroseconds);
    }

    [Fact]
    public void AWaitForAPeersCopyPollsForTheCopysLengthAsWell()
    {
        var strategy = new WaitStrategy(ranksOnHost: 2, fixedSpinMicroseconds: null, cores: 2);
        const long peerWork = 3000;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        WaitStrategy.Backoff backoff = strategy.Begin(peerWork);
        while (backoff.Pause())
        {
        }
        backoff.Finish();
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds >= WaitStrategy.PollMicroseconds + peerWork);
    }

    [Fact]
    public unsafe void ASendAsksForPollingOnlyWhileTheReceiverCopiesAlone()
    {
        byte data = 0;
        // 256 KiB: the receiver reads it alone, ~16 µs at the assumed 16 KiB/µs.
        Assert.Equal(16, new Hpc.Messaging.SendRequest(&data, 256 * 1024, 1).PeerWorkMicroseconds);
        // From the split size both sides copy: the sender's wait moves with its own half.
        Assert.Equal(0, new Hpc.Messaging.SendRequest(&data, Hpc.Messaging.RendezvousProtocol.SplitCopyBytes, 1).PeerWorkMicroseconds);
        Assert.Equal(0, new Hpc.Messaging.ReceiveRequest(0, 0, 0, &data, 1, 1).PeerWorkMicroseconds);
    }

    [Fact]
    public void AnOversubscribedHostPollsLongerBecauseItYields()
    {
        var strategy = new WaitStrategy(ranksOnHost: 8, fixedSpinMicroseconds: null, cores: 2);
        Assert.Equal(WaitStrategy.OversubscribedPollMicroseconds, strategy.PollingMicroseconds, 0.5);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        WaitStrategy.Backoff backoff = strategy.Begin();
        while (backoff.Pause())
        {
        }
        backoff.Finish();
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds >= WaitStrategy.OversubscribedPollMicroseconds);
    }

    [Fact]
    public void ALongFixedSpinIsNotCutShortByThePollingTime()
    {
        var strategy = new WaitStrategy(ranksOnHost: 2, fixedSpinMicroseconds: 300, cores: 2);
        Assert.Equal(300, strategy.PollingMicroseconds, 0.5);
    }

    [Fact]
    public void AThreadCanAskForAShortTimeSlice()
    {
        if (!OperatingSystem.IsLinux() || TimeSlice.OfCallingThread() is null)
            return;
        // On a thread of its own, so the test host's other threads keep their slices.
        double? slice = null;
        bool applied = false;
        var thread = new Thread(() =>
        {
            applied = TimeSlice.ApplyToCallingThread(TimeSlice.DefaultMicroseconds);
            slice = TimeSlice.OfCallingThread();
        });
        thread.Start();
        thread.Join();
        // Kernels before 6.12 have no custom slices for ordinary threads: then nothing changes.
        if (applied && Environment.OSVersion.Version >= new Version(6, 12))
            Assert.Equal(TimeSlice.DefaultMicroseconds, slice!.Value, 1.0);
    }

    [Fact]
    public void AnOversubscribedHostNeverSpins()
    {
        var strategy = new WaitStrategy(ranksOnHost: 8, fixedSpinMicroseconds: null, cores: 2);
        Assert.True(strategy.Oversubscribed);
        Assert.False(strategy.Spins);
        WaitStrategy.Backoff backoff = strategy.Begin();
        // The first pause already yields: there is no spin phase.
        Assert.True(backoff.Pause());
        Assert.True(backoff.OutlastedSpin);
    }

    [Fact]
    public void RanksOfOtherHostsOnTheSameCoresMakeTheHostOversubscribed()
    {
        // Two ranks on a 2-core host look fine, until wire-up finds two more ranks of the job on
        // the same kernel (another namespace "host" of the same machine).
        var strategy = new WaitStrategy(ranksOnHost: 2, fixedSpinMicroseconds: null, cores: 2);
        Assert.False(strategy.Oversubscribed);
        Assert.True(strategy.Spins);
        strategy.ShareCores(4);
        Assert.True(strategy.Oversubscribed);
        Assert.False(strategy.Spins);
        Assert.Equal(0, strategy.SpinMicroseconds);
        Assert.Equal(WaitStrategy.OversubscribedPollMicroseconds, strategy.PollingMicroseconds, 1.0);
        strategy.ShareCores(2);
        Assert.False(strategy.Oversubscribed);
        Assert.Equal(WaitStrategy.MaxSpinMicroseconds, strategy.SpinMicroseconds, 1.0);
    }

    [Fact]
    public void AFixedSpinDoesNotAdapt()
    {
        var strategy = new WaitStrategy(ranksOnHost: 1, fixedSpinMicroseconds: 50, cores: 2);
        WaitUntilBlocking(strategy);
        Assert.Equal(50, strategy.SpinMicroseconds, 0.5);
        Assert.False(new WaitStrategy(1, fixedSpinMicroseconds: 0, cores: 2).Spins);
    }

    [Fact]
    public void TwoWorldsInOneProcessWaitIndependently()
    {
        // Each world (ranks as threads) gets its own strategy: one world's waits, or settings,
        // never change another's, as the static spin time of earlier versions did.
        RankRuntime[] small = RankRuntime.CreateInProcessWorld(2);
        RankRuntime[] large = RankRuntime.CreateInProcessWorld(64);
        Assert.NotSame(small[0].Engine.Waiting, large[0].Engine.Waiting);
        Assert.True(small[0].Engine.Waiting.Spins || Environment.ProcessorCount < 2);
        Assert.True(large[0].Engine.Waiting.Oversubscribed || Environment.ProcessorCount >= 64);
        for (int i = 0; i < 10; i++)
            WaitUntilBlocking(large[0].Engine.Waiting);
        if (small[0].Engine.Waiting.Spins)
            Assert.Equal(WaitStrategy.MaxSpinMicroseconds, small[0].Engine.Waiting.SpinMicroseconds, 0.5);
        foreach (RankRuntime runtime in small.Concat(large))
            runtime.Dispose();
    }
}
