using System.Diagnostics;
using Hpc.Diagnostics;
using Xunit;

namespace Hpc.Tests.Diagnostics;

/// <summary>Each thread's ring of its last calls, and what the tracker makes of it.</summary>
public class FlightRecorderTests
{
    [Fact]
    public void TheRingKeepsTheLastCallsOldestFirst()
    {
        var recorder = new FlightRecorder(5); // rounded up to 8
        Assert.Equal(8, recorder.Capacity);
        for (int i = 1; i <= 20; i++)
        {
            ref RecordedCall slot = ref recorder.Next(out long index);
            slot.Kind = CallKind.Allreduce;
            slot.Sequence = i;
            recorder.Commit(index);
        }
        Assert.Equal(20, recorder.Recorded);
        Assert.Equal(Enumerable.Range(13, 8), recorder.Snapshot().Select(c => c.Sequence));
    }

    [Fact]
    public void AFewCallsAreAllKept()
    {
        var recorder = new FlightRecorder(16);
        for (int i = 1; i <= 3; i++)
        {
            ref RecordedCall slot = ref recorder.Next(out long index);
            slot.Sequence = i;
            recorder.Commit(index);
        }
        Assert.Equal([1, 2, 3], recorder.Snapshot().Select(c => c.Sequence));
    }

    [Fact]
    public void RecordingACallDoesNotAllocate()
    {
        RankRuntime runtime = RankRuntime.CreateInProcessWorld(1)[0];
        var world = new Communicator(runtime, RankRuntime.WorldContext, [0], 0, "world");
        for (int i = 0; i < 100; i++) // warm up: the thread's record, JIT
            runtime.Calls.Enter<int>(CallKind.Send, world, 0, 1, 1).Dispose();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            runtime.Calls.Enter<int>(CallKind.Send, world, 0, 1, 1).Dispose();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TheSnapshotNamesTheCurrentCollectiveWithItsSequenceAndTheRecentCalls()
    {
        RankRuntime runtime = RankRuntime.CreateInProcessWorld(1)[0];
        var world = new Communicator(runtime, RankRuntime.WorldContext, [0], 0, "world");
        runtime.Calls.Enter<int>(CallKind.Receive, world, 0, 9, 1).Dispose();
        using (runtime.Calls.Enter<float>(CallKind.Allreduce, world, int.MinValue, int.MinValue, 1024, sequence: 184, op: "sum"))
        {
            RankSnapshot snapshot = runtime.Calls.Snapshot(3);
            Assert.Equal(3, snapshot.Rank);
            CallSnapshot call = Assert.Single(snapshot.Calls);
            Assert.Equal("Allreduce #184 (count=1024, float, op=sum) on world", call.Text);
            Assert.Equal(new CollectiveFingerprint("Allreduce", 1024, "float", -1, "sum"), call.Collective);
            Assert.Equal(184, call.Sequence);
            Assert.Contains(snapshot.Communicators, c => c.Name == "world" && c.Members == "0" && c.Key == call.CommunicatorKey);
            Assert.Equal(2, snapshot.Recent.Count);
            Assert.Equal("Receive(source=0, tag=9, count=1, int) on world: done", snapshot.Recent[0]);
            Assert.Equal("Allreduce #184 (count=1024, float, op=sum) on world: in progress", snapshot.Recent[1]);
            Assert.Equal(-1, call.Seconds); // untimed: no clock read per call
        }
        Assert.Empty(runtime.Calls.Snapshot(0).Calls);
    }

    [Fact]
    public void CollectivesOfARealWorldCarryTheSameSequenceOnEveryRank()
    {
        var sequences = new int[4];
        InProcessWorld.Run(4, world =>
        {
            for (int i = 0; i < 5; i++)
                world.Allreduce(world.Rank, ReduceOp.Sum);
            world.Barrier();
            sequences[world.Rank] = world.Collective.Sequence;
        });
        Assert.All(sequences, s => Assert.Equal(sequences[0], s));
        Assert.True(sequences[0] >= 6);
    }

    [Fact]
    public void TimedCallsAddUpInTheProfileCounters()
    {
        var tracker = new CallTracker(timed: true);
        RankRuntime runtime = RankRuntime.CreateInProcessWorld(1)[0];
        var world = new Communicator(runtime, RankRuntime.WorldContext, [0], 0, "world");
        for (int i = 0; i < 3; i++)
        {
            using CallTracker.Scope call = tracker.Enter<double>(CallKind.Allreduce, world, int.MinValue, int.MinValue, 100, sequence: i + 1);
            Thread.Sleep(5);
        }
        (long calls, long bytes, long ticks) = tracker.Totals()[(int)CallKind.Allreduce];
        Assert.Equal(3, calls);
        Assert.Equal(3 * 100 * sizeof(double), bytes);
        Assert.InRange(ticks / (double)Stopwatch.Frequency, 0.014, 5);
        RankProfile profile = RankProfile.From(tracker, 0, "host");
        KindProfile allreduce = Assert.Single(profile.Kinds);
        Assert.Equal(("Allreduce", 3L), (allreduce.Kind, allreduce.Calls));
        Assert.Equal(allreduce, RankProfile.FromJson(profile.ToJson())!.Kinds[0]);
    }

    [Fact]
    public void TimedCallsTellHowLongAgoTheyRan()
    {
        var tracker = new CallTracker(timed: true);
        RankRuntime runtime = RankRuntime.CreateInProcessWorld(1)[0];
        var world = new Communicator(runtime, RankRuntime.WorldContext, [0], 0, "world");
        tracker.Enter<int>(CallKind.Send, world, 0, 1, 1).Dispose();
        using (tracker.Enter<int>(CallKind.Receive, world, 0, 2, 1))
        {
            RankSnapshot snapshot = tracker.Snapshot(0);
            Assert.Matches(@"^Send\(dest=0, tag=1, count=1, int\) on world: [0-9.]+ ms, ended [0-9.]+ s ago$", snapshot.Recent[0]);
            Assert.Matches(@"^Receive\(source=0, tag=2, count=1, int\) on world: in progress for [0-9.]+ s$", snapshot.Recent[1]);
            Assert.True(snapshot.Calls[0].Seconds >= 0);
        }
    }
}
