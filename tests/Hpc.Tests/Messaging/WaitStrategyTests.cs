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

    /// <summary>
    /// A wait that ends while polling, after its spin phase. On a busy machine the thread can be
    /// descheduled past the whole polling time, and the wait gives up instead: then it tries again.
    /// </summary>
    private static void WaitEndingWhilePolling(WaitStrategy strategy, bool wokenByArrival = true)
    {
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            WaitStrategy.Backoff backoff = strategy.Begin(wokenByArrival);
            bool polling = true;
            while (!backoff.OutlastedSpin && polling)
                polling = backoff.Pause();
            backoff.Finish();
            if (polling)
                return;
        }
        Assert.Fail("no wait ended while polling in 1000 attempts");
    }

    [Fact]
    public void PollingThatIsPreemptedShrinksAndUnpreemptedPollingGrowsBack()
    {
        long switches = 0;
        bool preempted = true;
        // Every reading of the count during a "preempted" wait sees one more switch than the last.
        var strategy = new WaitStrategy(ranksOnHost: 2, fixedSpinMicroseconds: null, cores: 2) { Preemptions = () => preempted ? ++switches : switches };
        Assert.Equal(WaitStrategy.BlockAfterMicroseconds, strategy.PollMicroseconds, 0.5);
        for (int i = 0; i < 20; i++)
            WaitEndingWhilePolling(strategy);
        Assert.Equal(WaitStrategy.MinPollMicroseconds, strategy.PollMicroseconds, 0.5);

        preempted = false;
        // Blocking unpreempted says nothing about the cores: the polling time stays.
        WaitUntilBlocking(strategy);
        Assert.Equal(WaitStrategy.MinPollMicroseconds, strategy.PollMicroseconds, 0.5);
        for (int i = 0; i < 20; i++)
            WaitEndingWhilePolling(strategy);
        Assert.Equal(WaitStrategy.BlockAfterMicroseconds, strategy.PollMicroseconds, 0.5);
    }

    [Fact]
    public void WaitsThatCanOnlyNapAndOversubscribedHostsKeepTheFullPollingTime()
    {
        long switches = 0;
        var napping = new WaitStrategy(ranksOnHost: 2, fixedSpinMicroseconds: null, cores: 2) { Preemptions = () => ++switches };
        for (int i = 0; i < 20; i++)
            WaitEndingWhilePolling(napping, wokenByArrival: false);
        Assert.Equal(WaitStrategy.BlockAfterMicroseconds, napping.PollMicroseconds, 0.5);

        // There every poll yields, and a yield to another thread counts as a preemption.
        var oversubscribed = new WaitStrategy(ranksOnHost: 8, fixedSpinMicroseconds: null, cores: 2) { Preemptions = () => ++switches };
        for (int i = 0; i < 20; i++)
        {
            WaitStrategy.Backoff backoff = oversubscribed.Begin();
            Assert.True(backoff.Pause());
            backoff.Finish();
        }
        Assert.Equal(WaitStrategy.BlockAfterMicroseconds, oversubscribed.PollMicroseconds, 0.5);
    }

    [Fact]
    public void TheCallingThreadsPreemptionsAreCounted()
    {
        if (!OperatingSystem.IsLinux())
            return;
        long before = ThreadPreemptions.Count();
        Assert.True(before >= 0);
        Assert.True(ThreadPreemptions.Count() >= before);
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
        Assert.Equal(WaitStrategy.BlockAfterMicroseconds, strategy.PollMicroseconds, 1.0);
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
