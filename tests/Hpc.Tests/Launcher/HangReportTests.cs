using Hpc.Diagnostics;
using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

/// <summary>--hang-after: how long a call has waited, measured by mpirun when the ranks do not time their calls.</summary>
public class HangReportTests
{
    private static RankSnapshot[] Ranks(string id0, string id1) =>
    [
        new(0, RankCondition.Answered, [new CallSnapshot("Receive(source=1, tag=9, count=1, int) on world", "0:0", 0, null, -1, id0)], [], []),
        new(1, RankCondition.Answered, [new CallSnapshot("Barrier #3 on world", "0:0", 3, new CollectiveFingerprint("Barrier", 0, "byte"), -1, id1)], [], []),
    ];

    [Fact]
    public void TheSameCallSeenLongEnoughIsAStallReportedWithTheLongestWait()
    {
        var seen = new Dictionary<string, TimeSpan>();
        TimeSpan threshold = TimeSpan.FromSeconds(2);
        Assert.Null(HangReport.Stalled(Ranks("1:5", "1:7"), threshold, seen, TimeSpan.FromSeconds(10)));
        Assert.Null(HangReport.Stalled(Ranks("1:5", "1:8"), threshold, seen, TimeSpan.FromSeconds(11)));
        // Rank 0 is still in call 5 after 2 s; rank 1 moved on to another call at 11 s.
        var stalled = HangReport.Stalled(Ranks("1:5", "1:8"), threshold, seen, TimeSpan.FromSeconds(12))!.Value;
        Assert.Equal(0, stalled.Rank);
        Assert.Equal(2, stalled.Seconds, 9);
        Assert.StartsWith("Receive(", stalled.Call.Text);
        // The same stall keeps its key, so it is reported once; a new call is a new stall.
        Assert.Equal(stalled.Key, HangReport.Stalled(Ranks("1:5", "1:8"), threshold, seen, TimeSpan.FromSeconds(12.5))!.Value.Key);
        Assert.Null(HangReport.Stalled(Ranks("1:6", "1:9"), threshold, seen, TimeSpan.FromSeconds(14)));
        Assert.Equal(2, seen.Count); // calls that ended are forgotten
    }

    [Fact]
    public void TheReportEndsWithTheDivergence()
    {
        RankSnapshot[] ranks =
        [
            new(0, RankCondition.Answered, [new CallSnapshot("Allreduce #2 (count=4, int, op=sum) on world", "0:0", 2, new CollectiveFingerprint("Allreduce", 4, "int", Op: "sum"), 1)],
                [new CommunicatorSnapshot("0:0", "world", "0,1", 2)], ["Allreduce #1 (count=4, int, op=sum) on world: done"]),
            RankSnapshot.Silent(1, RankCondition.Exited, 3),
        ];
        List<string> lines = HangReport.Lines("job timed out after 5 s; rank states:", ranks);
        Assert.Equal("job timed out after 5 s; rank states:", lines[0]);
        Assert.Equal("  rank 0: Allreduce #2 (count=4, int, op=sum) on world", lines[1]);
        Assert.Equal("  rank 1: exited with code 3", lines[2]);
        Assert.Contains("  rank 0: Allreduce #1 (count=4, int, op=sum) on world: done", lines);
        Assert.Equal("first divergence: rank 0 is in Allreduce #2 on world (4 int, op sum); rank 1 has exited (code 3)", lines[^1]);
    }

    [Fact]
    public void PlainTextAnswersArePrintedAsGiven()
    {
        RankSnapshot[] snapshots = HangReport.Snapshots(["waiting in Recv(source=1, tag=7)", null, "{}"], rank => (true, rank == 2, 0));
        Assert.Equal("waiting in Recv(source=1, tag=7)", snapshots[0].Describe());
        Assert.Equal("no answer", snapshots[1].Describe());
        Assert.Equal("exited with code 0", snapshots[2].Describe());
    }
}
