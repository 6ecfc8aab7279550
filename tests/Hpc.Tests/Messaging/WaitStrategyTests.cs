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
