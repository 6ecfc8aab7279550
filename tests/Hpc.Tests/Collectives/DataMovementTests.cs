using Xunit;
using static Hpc.Tests.Collectives.CollectiveTestData;

namespace Hpc.Tests.Collectives;

public class DataMovementTests
{
    public static TheoryData<int> AllSizes() => [.. Sizes];

    private static int Tagged(int rank, int index) => rank * 100_000 + index;

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void GatherAndScatterFromEveryRoot(int size)
    {
        InProcessWorld.Run(size, world =>
        {
            for (int root = 0; root < size; root++)
            {
                foreach (int block in new[] { 0, 1, 3, 700 })
                {
                    int[] mine = [.. Enumerable.Range(0, block).Select(i => Tagged(world.Rank, i))];
                    int[] everyone = [.. Enumerable.Range(0, size).SelectMany(r => Enumerable.Range(0, block).Select(i => Tagged(r, i)))];
                    foreach (GatherAlgorithm algorithm in new[] { GatherAlgorithm.Binomial, GatherAlgorithm.Linear })
                    {
                        var gathered = new int[world.Rank == root ? size * block : 0];
                        world.Gather(mine, gathered, root, algorithm);
                        if (world.Rank == root)
                            Assert.Equal(everyone, gathered);
                    }
                    foreach (ScatterAlgorithm algorithm in new[] { ScatterAlgorithm.Binomial, ScatterAlgorithm.Linear })
                    {
                        var received = new int[block];
                        world.Scatter(world.Rank == root ? everyone : [], received, root, algorithm);
                        Assert.Equal(mine, received);
                    }
                }
                int[] ranks = world.Gather(world.Rank * 2, root);
                Assert.Equal(world.Rank == root ? [.. Enumerable.Range(0, size).Select(r => r * 2)] : [], ranks);
                int mineBack = world.Scatter<int>(world.Rank == root ? [.. Enumerable.Range(0, size).Select(r => r + 5)] : [], root);
                Assert.Equal(world.Rank + 5, mineBack);
            }
        }, size % 2 == 0 ? SmallEagerLimit : RankRuntime.DefaultEagerLimit);
    }

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void GathervAndScattervWithUnevenCountsAndDisplacements(int size)
    {
        int[] counts = [.. Enumerable.Range(0, size).Select(r => (r * 7) % 4)]; // includes empty blocks
        // Blocks in reverse rank order with gaps, to prove displacements are honoured.
        var displacements = new int[size];
        int next = 1;
        for (int r = size - 1; r >= 0; r--)
        {
            displacements[r] = next;
            next += counts[r] + 2;
        }
        int length = next;
        InProcessWorld.Run(size, world =>
        {
            for (int root = 0; root < size; root++)
            {
                int[] mine = [.. Enumerable.Range(0, counts[world.Rank]).Select(i => Tagged(world.Rank, i))];
                var gathered = new int[world.Rank == root ? length : 0];
                world.Gatherv(mine, gathered, world.Rank == root ? counts : [], world.Rank == root ? displacements : [], root);
                var expected = new int[length];
                for (int r = 0; r < size; r++)
                    Enumerable.Range(0, counts[r]).Select(i => Tagged(r, i)).ToArray().CopyTo(expected, displacements[r]);
                if (world.Rank == root)
                    Assert.Equal(expected, gathered);

                var back = new int[counts[world.Rank]];
                world.Scatterv(world.Rank == root ? expected : [], counts, displacements, back, root);
                Assert.Equal(mine, back);

                var packed = new int[world.Rank == root ? counts.Sum() : 0];
                world.Gatherv(mine, packed, counts, root);
                if (world.Rank == root)
                    Assert.Equal(Enumerable.Range(0, size).SelectMany(r => Enumerable.Range(0, counts[r]).Select(i => Tagged(r, i))), packed);
                var unpacked = new int[counts[world.Rank]];
                world.Scatterv(packed, counts, unpacked, root);
                Assert.Equal(mine, unpacked);
            }
        });
    }

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void AllgatherAndAllgathervWithBothAlgorithms(int size)
    {
        InProcessWorld.Run(size, world =>
        {
            foreach (AllgatherAlgorithm algorithm in new[] { AllgatherAlgorithm.Ring, AllgatherAlgorithm.Bruck })
            {
                foreach (int block in new[] { 0, 1, 5, 1000 })
                {
                    int[] mine = [.. Enumerable.Range(0, block).Select(i => Tagged(world.Rank, i))];
                    var all = new int[size * block];
                    world.Allgather(mine, all, algorithm);
                    Assert.Equal(Enumerable.Range(0, size).SelectMany(r => Enumerable.Range(0, block).Select(i => Tagged(r, i))), all);
                }

                int[] counts = [.. Enumerable.Range(0, size).Select(r => (r * 5 + 3) % 6)];
                int[] displacements = new int[size];
                for (int r = 1; r < size; r++)
                    displacements[r] = displacements[r - 1] + counts[r - 1] + 1; // one-element gaps
                int length = displacements[^1] + counts[^1] + 1;
                int[] ownBlock = [.. Enumerable.Range(0, counts[world.Rank]).Select(i => Tagged(world.Rank, i))];
                int[] gathered = Enumerable.Repeat(-1, length).ToArray();
                world.Allgatherv(ownBlock, gathered, counts, displacements, algorithm);
                for (int r = 0; r < size; r++)
                {
                    Assert.Equal(Enumerable.Range(0, counts[r]).Select(i => Tagged(r, i)), gathered.AsSpan(displacements[r], counts[r]).ToArray());
                    Assert.Equal(-1, gathered[displacements[r] + counts[r]]); // gaps untouched
                }
            }
            Assert.Equal(Enumerable.Range(0, size).Select(r => r * 3), world.Allgather(world.Rank * 3));
        }, size % 2 == 1 ? SmallEagerLimit : RankRuntime.DefaultEagerLimit);
    }

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void AlltoallAndAlltoallv(int size)
    {
        InProcessWorld.Run(size, world =>
        {
            foreach (AlltoallAlgorithm algorithm in new[] { AlltoallAlgorithm.Pairwise, AlltoallAlgorithm.Bruck })
            {
                foreach (int block in new[] { 0, 1, 4, 600 })
                {
                    // Element i of the block from s to d is s * 10^6 + d * 10^3 + i.
                    int[] send = [.. Enumerable.Range(0, size).SelectMany(d => Enumerable.Range(0, block).Select(i => world.Rank * 1_000_000 + d * 1000 + i))];
                    var receive = new int[size * block];
                    world.Alltoall(send, receive, algorithm);
                    Assert.Equal(Enumerable.Range(0, size).SelectMany(s => Enumerable.Range(0, block).Select(i => s * 1_000_000 + world.Rank * 1000 + i)), receive);
                }
            }

            // Alltoallv: rank s sends (s + d) % 4 elements to rank d.
            int[] sendCounts = [.. Enumerable.Range(0, size).Select(d => (world.Rank + d) % 4)];
            int[] receiveCounts = [.. Enumerable.Range(0, size).Select(s => (s + world.Rank) % 4)];
            int[] payload = [.. Enumerable.Range(0, size).SelectMany(d => Enumerable.Range(0, sendCounts[d]).Select(i => world.Rank * 1_000_000 + d * 1000 + i))];
            var got = new int[receiveCounts.Sum()];
            world.Alltoallv(payload, sendCounts, got, receiveCounts);
            Assert.Equal(Enumerable.Range(0, size).SelectMany(s => Enumerable.Range(0, receiveCounts[s]).Select(i => s * 1_000_000 + world.Rank * 1000 + i)), got);
        }, size % 2 == 0 ? SmallEagerLimit : RankRuntime.DefaultEagerLimit);
    }
}
