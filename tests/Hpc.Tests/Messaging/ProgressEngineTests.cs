using Hpc.Messaging;
using Hpc.Messaging.Waiting;
using Xunit;

namespace Hpc.Tests.Messaging;

/// <summary>
/// When the background readers run: parked while a thread spins on the links (it reads them
/// itself), awake when a spinner gives up or leaves operations pending that nobody spins on, and
/// always while a send is blocked inside a frame.
/// </summary>
public class ProgressEngineTests
{
    private static bool ReadersWanted(ProgressEngine engine) => engine.WaitForBackgroundWorkOrPending(0);

    private static ProgressEngine Engine(Func<bool>? pending = null)
    {
        var engine = new ProgressEngine(0, new WaitStrategy(1, null));
        if (pending is not null)
            engine.TrackPending(pending);
        return engine;
    }

    [Fact]
    public void ASpinnerParksTheReadersAndAQuietExitLeavesThemParked()
    {
        ProgressEngine engine = Engine();
        Assert.True(ReadersWanted(engine)); // a new engine lets its readers look once
        engine.EnterSpin();
        Assert.False(ReadersWanted(engine));
        Assert.True(engine.SomeoneSpins);
        engine.ExitSpin(gaveUp: false);
        Assert.False(engine.SomeoneSpins);
        Assert.False(ReadersWanted(engine));
    }

    [Fact]
    public void ASpinnerThatGivesUpWakesTheReaders()
    {
        ProgressEngine engine = Engine();
        engine.EnterSpin();
        engine.ExitSpin(gaveUp: true);
        Assert.True(ReadersWanted(engine));
    }

    [Fact]
    public void OperationsLeftPendingWakeTheReadersWhenTheLastSpinnerLeaves()
    {
        bool pending = false;
        ProgressEngine engine = Engine(() => pending);
        engine.EnterSpin();
        engine.EnterSpin();
        pending = true;
        engine.ExitSpin(gaveUp: false);
        Assert.False(ReadersWanted(engine)); // one thread still spins and reads for everyone
        engine.ExitSpin(gaveUp: false);
        Assert.True(ReadersWanted(engine));
    }

    [Fact]
    public void BackgroundProgressIsRequestedOnlyWhenNobodySpins()
    {
        ProgressEngine engine = Engine();
        engine.EnterSpin();
        engine.RequestBackgroundProgress();
        Assert.False(ReadersWanted(engine));
        engine.ExitSpin(gaveUp: false);
        engine.RequestBackgroundProgress();
        Assert.True(ReadersWanted(engine));
    }

    [Fact]
    public void ABlockedSendKeepsTheReadersAwakeBesideASpinner()
    {
        ProgressEngine engine = Engine();
        engine.EnterSpin();
        engine.BeginBlockedSend();
        Assert.True(ReadersWanted(engine));
        Assert.False(engine.SomeoneSpins);
        engine.EnterSpin(); // a second spinner must not park them while the send is blocked
        Assert.True(ReadersWanted(engine));
        engine.EndBlockedSend();
        Assert.False(ReadersWanted(engine));
        engine.ExitSpin(gaveUp: false);
        engine.ExitSpin(gaveUp: false);
    }

    [Fact]
    public void AReaderParksOnlyWhenNothingIsPendingAndNobodySpins()
    {
        bool pending = true;
        ProgressEngine engine = Engine(() => pending);
        Assert.False(engine.TryParkBackground()); // work to do: keep reading
        Assert.True(ReadersWanted(engine));
        pending = false;
        Assert.True(engine.TryParkBackground());
        Assert.False(ReadersWanted(engine));
        engine.EnterSpin();
        Assert.True(engine.TryParkBackground()); // a spinner reads: wait for it
        engine.ExitSpin(gaveUp: false);
    }

    [Fact]
    public void SpinnersOnManyThreadsLeaveTheReadersParkedAndWakeThemWhenOneGivesUpLast()
    {
        bool pending = false;
        ProgressEngine engine = Engine(() => Volatile.Read(ref pending));
        engine.EnterSpin();
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                engine.EnterSpin();
                engine.ExitSpin(gaveUp: false);
            }
        });
        // Nobody gave up and nothing is pending: the counting threads never woke the readers.
        Assert.False(ReadersWanted(engine));
        Assert.True(engine.SomeoneSpins);
        engine.ExitSpin(gaveUp: true);
        Assert.False(engine.SomeoneSpins);
        Assert.True(ReadersWanted(engine));
    }
}
