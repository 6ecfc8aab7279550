using Xunit;
using System.Diagnostics;
using Hpc.Interop;
using Hpc.Transport.SharedMemory;
using Hpc.Transport.Waiting;

namespace Hpc.Tests.Transport;

/// <summary>
/// The pieces a blocked call with TCP peers sleeps on: its own eventfd (woken by a request that
/// another thread completes) and the pollable bell of its shared-memory inbox. Sleeps here use
/// long timeouts and assert that they end far earlier: a missed wake-up fails the test instead
/// of passing slowly.
/// </summary>
public sealed class PollingArrivalSignalTests
{
    private static readonly TimeSpan MissedWakeUp = TimeSpan.FromSeconds(10);

    [Fact]
    public void ASleepEndsWhenAnotherThreadWakesAll()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var signal = new PollingArrivalSignal([], inbox: null);
        var request = new Request();
        using var asleep = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();
        var sleeper = new Thread(() =>
        {
            asleep.Set();
            signal.Sleep(request, 60_000);
        });
        sleeper.Start();
        asleep.Wait();
        // Keep waking until the sleeper is gone: a wake before it reached poll leaves its eventfd
        // readable, so it returns at once then too.
        while (!sleeper.Join(TimeSpan.FromMilliseconds(20)))
        {
            Assert.True(clock.Elapsed < MissedWakeUp, "WakeAll did not wake the sleeping thread");
            signal.WakeAll();
        }
    }

    [Fact]
    public void ASleepOnACompletedRequestReturnsAtOnce()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var signal = new PollingArrivalSignal([], inbox: null);
        var request = new Request();
        request.Complete(default);
        var clock = Stopwatch.StartNew();
        signal.Sleep(request, 60_000);
        Assert.True(clock.Elapsed < MissedWakeUp);
    }

    [Fact]
    public void ARungBellIsReadableUntilDrained()
    {
        if (!OperatingSystem.IsLinux())
            return;
        string inbox = $"/dev/shm/hpc-bell-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        using InboxBell? bell = InboxBell.TryOpen(inbox);
        Assert.NotNull(bell);
        using var ringer = new InboxBellRinger(inbox);
        Assert.False(Readable(bell, 0));
        ringer.RingBell();
        ringer.RingBell();
        Assert.True(Readable(bell, 10_000), "the ring did not make the bell readable");
        bell.Drain();
        Assert.False(Readable(bell, 0));
        // The bell is an abstract socket: nothing of it exists in /dev/shm.
        Assert.False(File.Exists(inbox + "-bell"));
    }

    [Fact]
    public void RingingABellThatNobodyBoundIsIgnored()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var ringer = new InboxBellRinger($"/dev/shm/hpc-bell-test-unbound-{Guid.NewGuid():N}");
        ringer.RingBell();
        ringer.RingBell();
    }

    private static bool Readable(InboxBell bell, int timeoutMilliseconds)
    {
        Span<LinuxNative.PollDescriptor> one = [new LinuxNative.PollDescriptor { Descriptor = bell.Descriptor, Events = LinuxNative.PollIn }];
        return LinuxNative.Poll(one, timeoutMilliseconds) > 0 && (one[0].ReturnedEvents & LinuxNative.PollIn) != 0;
    }
}
