using Hpc.Messaging;
using Xunit;

namespace Hpc.Tests;

/// <summary>
/// The claim word of a split copy (<see cref="SharedCopy"/>): two ranks claiming at once take
/// every segment exactly once, a late claim of a finished copy takes nothing of the next, and
/// one rank alone can take them all.
/// </summary>
public unsafe class SharedCopyTests
{
    [Theory]
    [InlineData(256 * 1024)]
    [InlineData(1 << 20)]
    [InlineData(3 * (1 << 20) + 5)]
    [InlineData(64L << 20)]
    public void SegmentsCoverTheMessageInWholePagesExceptTheLast(long length)
    {
        long word = 0;
        var copy = new SharedCopy(&word, 7, length);
        copy.Open();
        long covered = 0;
        while (copy.TryClaim(out long offset, out long bytes))
        {
            Assert.Equal(covered, offset);
            Assert.True(bytes > 0);
            if (offset + bytes < length)
                Assert.Equal(0, bytes % 4096);
            covered += bytes;
        }
        Assert.Equal(length, covered);
        // Halves, each one system call, where a message is large enough to split at all.
        Assert.Equal(length >= RendezvousProtocol.SplitCopyBytes ? 2 : 1, copy.Segments);
    }

    [Fact]
    public void TwoClaimersAtOnceTakeEverySegmentExactlyOnce()
    {
        for (int round = 0; round < 200; round++)
        {
            long[] words = GC.AllocateArray<long>(1, pinned: true);
            long* word = (long*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref words[0]);
            const long Length = 40L << 20;
            var copy = new SharedCopy(word, round + 1, Length);
            copy.Open();
            var taken = new int[copy.Segments];
            using var start = new Barrier(2);
            var claimers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                var mine = new SharedCopy(word, round + 1, Length);
                while (mine.TryClaim(out long offset, out long _))
                    Interlocked.Increment(ref taken[offset / mine.SegmentBytes]);
            })).ToArray();
            foreach (Thread claimer in claimers)
                claimer.Start();
            Assert.All(claimers, claimer => Assert.True(claimer.Join(TimeSpan.FromSeconds(30))));
            Assert.All(taken, count => Assert.Equal(1, count));
        }
    }

    [Fact]
    public void ALateClaimOfAFinishedCopyTakesNothingOfTheNextCopyOnTheSameWord()
    {
        long word = 0;
        var first = new SharedCopy(&word, 1, 1 << 20);
        first.Open();
        while (first.TryClaim(out _, out _)) { }
        var second = new SharedCopy(&word, 2, 1 << 20);
        second.Open();
        Assert.False(first.TryClaim(out _, out _));
        Assert.Equal(first.Length, first.ClaimRest());
        Assert.True(second.TryClaim(out long offset, out _));
        Assert.Equal(0, offset);
    }

    [Fact]
    public void ClaimRestTakesEverySegmentLeftAndReportsWhereTheyStart()
    {
        long word = 0;
        var copy = new SharedCopy(&word, 3, 8L << 20);
        copy.Open();
        Assert.True(copy.TryClaim(out _, out long first));
        Assert.Equal(first, copy.ClaimRest());
        Assert.False(copy.TryClaim(out _, out _));
        Assert.Equal(copy.Length, copy.ClaimRest());
    }

    [Fact]
    public void AWordNotOpenedForThisCopyGivesNoSegments()
    {
        long word = 0;
        var copy = new SharedCopy(&word, 5, 1 << 20);
        Assert.False(copy.TryClaim(out _, out _));
    }
}
