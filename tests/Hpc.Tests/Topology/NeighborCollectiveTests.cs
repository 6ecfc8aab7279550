using Xunit;

namespace Hpc.Tests.Topology;

/// <summary>
/// Neighbourhood collectives with ranks as threads, each checked against the blocks worked out
/// from the topology alone: Cartesian grids (edges, periodic dimensions of size 1 and 2, where a
/// rank is its own or its only neighbour both ways), graphs and distributed graphs.
/// </summary>
public class NeighborCollectiveTests
{
    public static TheoryData<int, int[], bool[]> Grids => new()
    {
        { 1, [1], [true] },
        { 2, [2], [true] },
        { 2, [2, 1], [true, true] },
        { 4, [2, 2], [true, true] },
        { 6, [3, 2], [false, true] },
        { 12, [3, 4], [false, false] },
        { 8, [2, 2, 2], [true, false, true] },
        { 7, [7], [false] },
    };

    [Theory]
    [MemberData(nameof(Grids))]
    public void CartesianAllgatherGetsEachNeighboursValueAndLeavesEdgeBlocks(int size, int[] dims, bool[] periods) => InProcessWorld.Run(size, world =>
    {
        using Communicator grid = world.CreateCartesian(dims, periods)!;
        CartesianTopology cart = grid.Cartesian;
        int[] send = [grid.Rank * 10, grid.Rank * 10 + 1];
        int[] receive = Enumerable.Repeat(-1, 2 * 2 * dims.Length).ToArray();
        grid.NeighborAllgather<int>(send, receive);
        for (int d = 0; d < dims.Length; d++)
        {
            (int minus, int plus) = cart.Shift(d, 1);
            AssertBlock(minus, receive.AsSpan(4 * d, 2));
            AssertBlock(plus, receive.AsSpan(4 * d + 2, 2));
        }

        static void AssertBlock(int from, ReadOnlySpan<int> block)
        {
            if (from == Communicator.ProcNull)
                Assert.Equal([-1, -1], block.ToArray());
            else
                Assert.Equal([from * 10, from * 10 + 1], block.ToArray());
        }
    });

    [Theory]
    [MemberData(nameof(Grids))]
    public void CartesianAlltoallDeliversTheBlockSentTowardsThisRank(int size, int[] dims, bool[] periods) => InProcessWorld.Run(size, world =>
    {
        using Communicator grid = world.CreateCartesian(dims, periods)!;
        ReadOnlySpan<int> sources = grid.Cartesian.Sources;
        int n = 2 * dims.Length;
        // Block j (3 elements) names its sender and j.
        var send = new long[3 * n];
        for (int j = 0; j < n; j++)
            send.AsSpan(3 * j, 3).Fill(grid.Rank * 1000L + j);
        long[] receive = Enumerable.Repeat(-1L, 3 * n).ToArray();
        grid.NeighborAlltoall<long>(send, receive);
        for (int i = 0; i < n; i++)
        {
            // The neighbour at −1 along d sent this rank its +1 block (2d + 1), and the one at +1 its −1 block (2d).
            long expected = sources[i] == Communicator.ProcNull ? -1 : sources[i] * 1000L + (i ^ 1);
            Assert.All(receive.AsSpan(3 * i, 3).ToArray(), v => Assert.Equal(expected, v));
        }
    });

    [Fact]
    public void GraphAllgatherAndAlltoallFollowTheEdgeList() => InProcessWorld.Run(6, world =>
    {
        // A symmetric graph: ring neighbours plus a chord 0–3, and rank 5 stays out of the graph.
        int[][] adjacency = [[1, 4, 3], [0, 2], [1, 3], [2, 4, 0], [3, 0]];
        int[] index = [.. adjacency.Select(a => a.Length)];
        for (int i = 1; i < index.Length; i++)
            index[i] += index[i - 1];
        Communicator? graph = world.CreateGraph(index, [.. adjacency.SelectMany(a => a)]);
        if (world.Rank == 5)
        {
            Assert.Null(graph);
            return;
        }
        using Communicator g = graph!;
        GraphTopology topology = (GraphTopology)g.VirtualTopology!;
        Assert.Equal(12, topology.EdgeCount);
        Assert.Equal(adjacency[(g.Rank + 1) % 5], topology.NeighborsOf((g.Rank + 1) % 5).ToArray());
        int[] neighbors = adjacency[g.Rank];

        Assert.Equal(neighbors.Select(r => r * r).ToArray(), g.NeighborAllgather<int>([g.Rank * g.Rank]));

        // Alltoall: block j goes to neighbour j; what arrives from neighbour i is its block for this rank.
        int[] send = [.. neighbors.Select(to => g.Rank * 100 + to)];
        var receive = new int[neighbors.Length];
        g.NeighborAlltoall<int>(send, receive);
        Assert.Equal(neighbors.Select(from => from * 100 + g.Rank).ToArray(), receive);
    });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void DistributedGraphRingWithADoubledEdgeDeliversInOrder(int size) => InProcessWorld.Run(size, world =>
    {
        // Each rank sends to the next rank twice and to itself once; it receives from the previous twice and itself once.
        int next = (world.Rank + 1) % size, previous = (world.Rank + size - 1) % size;
        using Communicator ring = world.CreateDistributedGraph([previous, world.Rank, previous], [next, world.Rank, next]);
        Assert.Equal(TopologyKind.DistributedGraph, ring.VirtualTopology!.Kind);
        int[] send = [world.Rank * 10 + 0, world.Rank * 10 + 1, world.Rank * 10 + 2];
        var receive = new int[3];
        ring.NeighborAlltoall<int>(send, receive);
        // The k-th block sent to a peer meets the k-th receive from it: previous's blocks 0 and 2, then my own block 1.
        Assert.Equal([previous * 10 + 0, world.Rank * 10 + 1, previous * 10 + 2], receive);
    });

    [Fact]
    public void VariableFormsPlaceEachBlockAtItsDisplacement() => InProcessWorld.Run(4, world =>
    {
        int r = world.Rank, size = world.Size;
        int[] sources = [(r + 1) % size, (r + 3) % size];
        int[] destinations = [(r + 3) % size, (r + 1) % size];
        using Communicator g = world.CreateDistributedGraph(sources, [5, 6], destinations, [7, 8]);
        Assert.True(((DistributedGraphTopology)g.VirtualTopology!).IsWeighted);

        // Allgatherv: rank s sends s + 1 copies of s; the block from source i lands at displacement 10 * i.
        int[] mine = Enumerable.Repeat(r, r + 1).ToArray();
        int[] gathered = Enumerable.Repeat(-1, 20).ToArray();
        g.NeighborAllgatherv<int>(mine, gathered, [sources[0] + 1, sources[1] + 1], [0, 10]);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(Enumerable.Repeat(sources[i], sources[i] + 1), gathered.Skip(10 * i).Take(sources[i] + 1));
            Assert.All(gathered.Skip(10 * i + sources[i] + 1).Take(10 - sources[i] - 1), v => Assert.Equal(-1, v));
        }

        // Alltoallv: to destination j send j + 1 elements of value 100 r + j, at displacement 4 j.
        var send = new int[8];
        for (int j = 0; j < 2; j++)
            send.AsSpan(4 * j, j + 1).Fill(100 * r + j);
        var receive = new int[6];
        // Source i is destinations' mirror: (r+1) sends to r as its destination 0 (1 element); (r+3) as its destination 1 (2 elements).
        g.NeighborAlltoallv<int>(send, [1, 2], [0, 4], receive, [1, 2], [0, 3]);
        Assert.Equal([100 * sources[0] + 0, 0, 0, 100 * sources[1] + 1, 100 * sources[1] + 1, 0], receive);
    });

    [Fact]
    public void DisagreeingDistributedGraphEdgesFailOnEveryRankWithTheSameMessage() => InProcessWorld.Run(3, world =>
    {
        // Rank 0 says it sends to 1, but 1 lists no source.
        int[] destinations = world.Rank == 0 ? [1] : [];
        var e = Assert.Throws<ArgumentException>(() => world.CreateDistributedGraph([], destinations));
        Assert.Equal("CreateDistributedGraph on 'world': rank 0 lists rank 1 as a destination 1 time(s), but rank 1 lists rank 0 as a source 0 time(s); each edge must appear on both ends", e.Message);
        var outside = Assert.Throws<ArgumentException>(() => world.CreateDistributedGraph([], world.Rank == 2 ? [3] : []));
        Assert.Equal("CreateDistributedGraph on 'world': rank 2's destinations[0] = 3 is not a rank of communicator 'world' (0 … 2)", outside.Message);
        Assert.Equal(3, world.Allreduce(1, ReduceOp.Sum));
    });

    [Fact]
    public void BadGraphsAndBuffersFailWithOneClearMessage() => InProcessWorld.Run(2, world =>
    {
        Assert.StartsWith("index[1] = 0 is below index[0] = 1",
            Assert.Throws<ArgumentException>(() => world.CreateGraph([1, 0], [1])).Message);
        Assert.StartsWith("edges[0] = 2 is not a node; nodes are 0 … 1",
            Assert.Throws<ArgumentException>(() => world.CreateGraph([1, 2], [2, 0])).Message);
        Assert.StartsWith("the graph has 3 nodes but the communicator only 2 ranks",
            Assert.Throws<ArgumentException>(() => world.CreateGraph([1, 2, 3], [1, 0, 0])).Message);
        Assert.StartsWith("NeighborAllgather needs a communicator with a virtual topology, and 'world' has none",
            Assert.Throws<InvalidOperationException>(() => world.NeighborAllgather<int>([1])).Message);
        using Communicator line = world.CreateCartesian([2], [false])!;
        Assert.StartsWith("NeighborAllgather on 'cartesian 2 of world': receive has 1 elements but 2 sources × 1 need 2",
            Assert.Throws<ArgumentException>(() => line.NeighborAllgather<int>([1], new int[1])).Message);
        Assert.StartsWith("NeighborAlltoall on 'cartesian 2 of world': send has 3 elements for 2 destinations",
            Assert.Throws<ArgumentException>(() => line.NeighborAlltoall<int>(new int[3], new int[2])).Message);
    });

    [Fact]
    public void NeighbourTrafficNeverMeetsAUserAnySourceReceive() => InProcessWorld.Run(3, world =>
    {
        using Communicator line = world.CreateCartesian([3], [true])!;
        // A user receive for anything is posted first; the neighbour exchange must not feed it.
        var pending = new int[1];
        Request user = line.Irecv<int>(pending, Communicator.AnySource, Communicator.AnyTag);
        int[] got = line.NeighborAllgather<int>([line.Rank]);
        (int minus, int plus) = line.Cartesian.Shift(0, 1);
        Assert.Equal([minus, plus], got);
        Assert.False(user.IsCompleted);
        line.Barrier(); // no rank sends the user message below before every rank has looked
        line.Send(42 + line.Rank, plus, 9);
        user.Wait();
        Assert.Equal(42 + minus, pending[0]);
    });
}
