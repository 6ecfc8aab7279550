using Hpc.Diagnostics;
using Xunit;

namespace Hpc.Tests.Diagnostics;

/// <summary>The sentence that names where a hung job's ranks stopped agreeing, from their snapshots alone.</summary>
public class DivergenceTests
{
    private const string World = "0:0";

    private static CommunicatorSnapshot WorldOf(int size, int sequence) => new(World, "world", RankRanges.Format(Enumerable.Range(0, size)), sequence);

    private static RankSnapshot InCollective(int rank, int size, int sequence, CollectiveFingerprint call) =>
        new(rank, RankCondition.Answered, [new CallSnapshot($"{call.Kind} #{sequence} on world", World, sequence, call, 1)], [WorldOf(size, sequence)], []);

    private static RankSnapshot InPointToPoint(int rank, int size, int lastSequence, string text) =>
        new(rank, RankCondition.Answered, [new CallSnapshot(text, World, 0, null, 1)], [WorldOf(size, lastSequence)], []);

    private static RankSnapshot Computing(int rank, int size, int lastSequence, params string[] recent) =>
        new(rank, RankCondition.Answered, [], [WorldOf(size, lastSequence)], recent);

    private static readonly CollectiveFingerprint Allreduce1024 = new("Allreduce", 1024, "float", Op: "sum");

    [Fact]
    public void OneRankInADifferentCollectiveIsNamedAgainstTheOthers()
    {
        var ranks = Enumerable.Range(0, 8).Select(r => r == 3
            ? InCollective(r, 8, 184, new CollectiveFingerprint("Broadcast", 1024, "float", Root: 0))
            : InCollective(r, 8, 184, Allreduce1024)).ToList();
        Assert.Equal(["ranks 0-2,4-7 are in Allreduce #184 on world (1024 float, op sum); rank 3 is in Broadcast #184 (1024 float, root 0)"],
            Divergence.Describe(ranks));
    }

    [Fact]
    public void ARankBlockedInPointToPointHasNotReachedTheCollective()
    {
        var ranks = Enumerable.Range(0, 4).Select(r => r == 3
            ? InPointToPoint(r, 4, 183, "Receive(source=5, tag=9, count=1, int) on world, waiting for rank 5")
            : InCollective(r, 4, 184, Allreduce1024)).ToList();
        Assert.Equal(["ranks 0-2 are in Allreduce #184 on world (1024 float, op sum); rank 3 has not reached collective #184; it is in Receive(source=5, tag=9, count=1, int) on world, waiting for rank 5"],
            Divergence.Describe(ranks));
    }

    [Fact]
    public void AComputingRankBehindIsNamedWithItsLastCall()
    {
        var ranks = Enumerable.Range(0, 4).Select(r => r == 1
            ? Computing(r, 4, 183, "Allreduce #183 (count=1024, float, op=sum) on world: done", "Receive(source=2, tag=9, count=1, int) on world: done")
            : InCollective(r, 4, 184, Allreduce1024)).ToList();
        Assert.Equal(["ranks 0,2,3 are in Allreduce #184 on world (1024 float, op sum); rank 1 has not reached collective #184; its last call was Receive(source=2, tag=9, count=1, int) on world: done"],
            Divergence.Describe(ranks));
    }

    [Fact]
    public void RanksBehindInTheSameStateAreNamedTogetherInThePlural()
    {
        var ranks = Enumerable.Range(0, 6).Select(r => r is 4 or 5
            ? Computing(r, 6, 10)
            : InCollective(r, 6, 11, Allreduce1024)).ToList();
        Assert.Equal(["ranks 0-3 are in Allreduce #11 on world (1024 float, op sum); ranks 4,5 have not reached collective #11; they have made no Hpc call"],
            Divergence.Describe(ranks));
    }

    [Fact]
    public void SameCollectiveWithDifferentCountsIsADivergence()
    {
        var ranks = Enumerable.Range(0, 4).Select(r => InCollective(r, 4, 7, r == 2 ? Allreduce1024 with { Count = 512 } : Allreduce1024)).ToList();
        Assert.Equal(["ranks 0,1,3 are in Allreduce #7 on world (1024 float, op sum); rank 2 is in Allreduce #7 (512 float, op sum)"],
            Divergence.Describe(ranks));
    }

    [Fact]
    public void WhenEveryRankAgreesTheSentenceSaysSoAndNothingDiverges()
    {
        var ranks = Enumerable.Range(0, 4).Select(r => InCollective(r, 4, 7, Allreduce1024)).ToList();
        Assert.Equal(["ranks 0-3 are in Allreduce #7 on world (1024 float, op sum); every rank of world is in it"], Divergence.Describe(ranks));
        Assert.Empty(Divergence.Divergent(ranks));
    }

    [Fact]
    public void ARankStillInAnEarlierCollectiveAndOneAheadAreBothNamed()
    {
        var ranks = new List<RankSnapshot>
        {
            InCollective(0, 4, 5, Allreduce1024),
            InCollective(1, 4, 5, Allreduce1024),
            InCollective(2, 4, 4, new CollectiveFingerprint("Barrier", 0, "byte")),
            InCollective(3, 4, 6, new CollectiveFingerprint("Broadcast", 8, "int", Root: 1)),
        };
        Assert.Equal(["ranks 0,1 are in Allreduce #5 on world (1024 float, op sum); rank 2 is still in Barrier #4; rank 3 is already in Broadcast #6 (8 int, root 1)"],
            Divergence.Describe(ranks));
    }

    [Fact]
    public void ExitedAndSilentRanksAreNamed()
    {
        var ranks = new List<RankSnapshot>
        {
            InCollective(0, 4, 3, Allreduce1024),
            InCollective(1, 4, 3, Allreduce1024),
            RankSnapshot.Silent(2, RankCondition.Exited, exitCode: 0),
            RankSnapshot.Silent(3, RankCondition.NoAnswer),
        };
        Assert.Equal(["ranks 0,1 are in Allreduce #3 on world (1024 float, op sum); rank 2 has exited (code 0); rank 3 did not answer"],
            Divergence.Describe(ranks));
    }

    [Fact]
    public void ARankThatFinishedTheCollectiveIsNotADivergence()
    {
        // A broadcast's root may leave before the others: it finished #9 and computes.
        var bcast = new CollectiveFingerprint("Broadcast", 4, "int", Root: 0);
        var ranks = Enumerable.Range(0, 3).Select(r => r == 0 ? Computing(0, 3, 9) : InCollective(r, 3, 9, bcast)).ToList();
        Assert.Empty(Divergence.Divergent(ranks));
    }

    [Fact]
    public void NoCollectiveMeansNoSentence()
    {
        var ranks = new List<RankSnapshot>
        {
            InPointToPoint(0, 2, 0, "Receive(source=1, tag=9, count=1, int) on world, waiting for rank 1"),
            Computing(1, 2, 0),
        };
        Assert.Empty(Divergence.Describe(ranks));
    }

    [Fact]
    public void VectorFormsCompareKindTypeAndRootButNotTheirCounts()
    {
        var gatherv = new CollectiveFingerprint("Gatherv", -1, "int", Root: 0);
        var ranks = Enumerable.Range(0, 3).Select(r => InCollective(r, 3, 2, r == 1 ? gatherv with { Root = 1 } : gatherv)).ToList();
        Assert.Equal(["ranks 0,2 are in Gatherv #2 on world (int, root 0); rank 1 is in Gatherv #2 (int, root 1)"], Divergence.Describe(ranks));
    }

    [Fact]
    public void SubCommunicatorsAreJudgedOnTheirOwnMembers()
    {
        // Ranks 0-1 and 2-3 are two halves (same context id, different lowest member); only the second half diverges.
        static RankSnapshot Half(int rank, int sequence, CollectiveFingerprint call)
        {
            string key = rank < 2 ? "6:0" : "6:2";
            string members = rank < 2 ? "0,1" : "2,3";
            return new RankSnapshot(rank, RankCondition.Answered, [new CallSnapshot(call.Kind, key, sequence, call, 1)],
                [new CommunicatorSnapshot(key, "split of world", members, sequence), WorldOf(4, 1)], []);
        }
        var ranks = new List<RankSnapshot>
        {
            Half(0, 2, Allreduce1024), Half(1, 2, Allreduce1024),
            Half(2, 2, Allreduce1024), Half(3, 2, new CollectiveFingerprint("Barrier", 0, "byte")),
        };
        Assert.Equal(["rank 2 is in Allreduce #2 on split of world (1024 float, op sum); rank 3 is in Barrier #2"], Divergence.Describe(ranks));
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 4, 5, 6, 7 }, "0-2,4-7")]
    [InlineData(new[] { 3 }, "3")]
    [InlineData(new[] { 5, 4 }, "4,5")]
    [InlineData(new[] { 0, 2, 4 }, "0,2,4")]
    [InlineData(new[] { 9, 1, 2, 3, 3, 10, 11 }, "1-3,9-11")]
    [InlineData(new int[0], "")]
    public void RankRangesCompressAndParseBack(int[] ranks, string text)
    {
        Assert.Equal(text, RankRanges.Format(ranks));
        Assert.Equal(ranks.Distinct().Order(), RankRanges.Parse(text));
    }

    [Fact]
    public void SnapshotsSurviveTheirJsonForm()
    {
        RankSnapshot snapshot = InCollective(3, 8, 184, Allreduce1024) with { Recent = ["Allreduce #183 (count=1024, float, op=sum) on world: done"] };
        string json = snapshot.ToJson();
        Assert.DoesNotContain('\n', json);
        Assert.True(json.All(char.IsAscii));
        RankSnapshot back = RankSnapshot.FromJson(json)!;
        Assert.Equal(snapshot.Calls[0], back.Calls[0]);
        Assert.Equal(snapshot.Communicators[0], back.Communicators[0]);
        Assert.Equal(snapshot.Recent, back.Recent);
        Assert.Null(RankSnapshot.FromJson("{not json"));
    }
}
