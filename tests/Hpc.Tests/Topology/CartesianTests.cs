using Xunit;

namespace Hpc.Tests.Topology;

/// <summary>Cartesian communicators with ranks as threads: layout, coordinates, Shift at edges, sub-grids, bad input.</summary>
public class CartesianTests
{
    [Theory]
    [InlineData(12, new[] { 3, 4 })]
    [InlineData(12, new[] { 2, 3, 2 })]
    [InlineData(7, new[] { 7 })]
    [InlineData(1, new[] { 1, 1 })]
    public void CoordinatesAreRowMajorAndRoundTrip(int size, int[] dims) => InProcessWorld.Run(size, world =>
    {
        using Communicator grid = world.CreateCartesian(dims, new bool[dims.Length])!;
        CartesianTopology cart = grid.Cartesian;
        Assert.Equal(TopologyKind.Cartesian, cart.Kind);
        Assert.Equal(world.Rank, grid.Rank);
        Assert.Equal(dims, cart.Dimensions.ToArray());
        // Row-major: the last coordinate varies fastest.
        int rest = grid.Rank;
        var expected = new int[dims.Length];
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            expected[d] = rest % dims[d];
            rest /= dims[d];
        }
        Assert.Equal(expected, cart.Coordinates.ToArray());
        for (int r = 0; r < size; r++)
            Assert.Equal(r, cart.RankOf(cart.CoordinatesOf(r)));
    });

    [Fact]
    public void RankOfWrapsPeriodicCoordinatesAndRejectsOthers() => InProcessWorld.Run(6, world =>
    {
        using Communicator grid = world.CreateCartesian([3, 2], [true, false])!;
        CartesianTopology cart = grid.Cartesian;
        Assert.Equal(cart.RankOf([0, 1]), cart.RankOf([3, 1]));
        Assert.Equal(cart.RankOf([2, 0]), cart.RankOf([-1, 0]));
        var e = Assert.Throws<ArgumentException>(() => cart.RankOf([0, 2]));
        Assert.StartsWith("coordinate 2 of dimension 1 is outside 0 … 1 of the 3x2 grid, and that dimension is not periodic", e.Message);
        Assert.Throws<ArgumentException>(() => cart.RankOf([0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => cart.CoordinatesOf(6));
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ShiftGivesNeighboursAndProcNullPastANonPeriodicEdge(bool periodic) => InProcessWorld.Run(4, world =>
    {
        using Communicator line = world.CreateCartesian([4], [periodic])!;
        int r = line.Rank;
        (int source, int dest) = line.Cartesian.Shift(0, 1);
        Assert.Equal(r == 0 ? (periodic ? 3 : Communicator.ProcNull) : r - 1, source);
        Assert.Equal(r == 3 ? (periodic ? 0 : Communicator.ProcNull) : r + 1, dest);
        (int source2, int dest2) = line.Cartesian.Shift(0, -2);
        Assert.Equal(r >= 2 ? r - 2 : (periodic ? r + 2 : Communicator.ProcNull), dest2);
        Assert.Equal(r <= 1 ? r + 2 : (periodic ? r - 2 : Communicator.ProcNull), source2);

        // The shift's ranks go straight into SendReceive: edges need no special case.
        int got = -7;
        Status status = line.SendReceive(new ReadOnlySpan<int>(in r), dest, 3, new Span<int>(ref got), source, 3);
        if (source == Communicator.ProcNull)
        {
            Assert.Equal(-7, got);
            Assert.Equal(Communicator.ProcNull, status.Source);
            Assert.Equal(0, status.Count);
        }
        else
        {
            Assert.Equal(source, got);
        }
    });

    [Fact]
    public void ShiftOfAMissingDirectionIsRejected() => InProcessWorld.Run(2, world =>
    {
        using Communicator grid = world.CreateCartesian([2, 1], [false, false])!;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => grid.Cartesian.Shift(2, 1));
        Assert.Contains("direction 2 is not a dimension of the 2x1 grid (0 … 1)", e.Message);
    });

    [Fact]
    public void SubgridsHoldTheRanksThatShareTheDroppedCoordinates() => InProcessWorld.Run(12, world =>
    {
        using Communicator grid = world.CreateCartesian([2, 3, 2], [true, false, true])!;
        int[] mine = grid.Cartesian.Coordinates.ToArray();
        using Communicator sub = grid.CartesianSubgrid([true, false, true]);
        CartesianTopology subCart = sub.Cartesian;
        Assert.Equal([2, 2], subCart.Dimensions.ToArray());
        Assert.Equal([true, true], subCart.Periods.ToArray());
        Assert.Equal([mine[0], mine[2]], subCart.Coordinates.ToArray());
        // Members: every grid rank with this rank's middle coordinate, in grid order.
        int[] expected = [.. Enumerable.Range(0, 12).Where(r => grid.Cartesian.CoordinatesOf(r)[1] == mine[1])];
        Assert.Equal(expected, sub.Allgather(grid.Rank));
        Assert.Equal(Array.IndexOf(expected, grid.Rank), sub.Rank);

        using Communicator none = grid.CartesianSubgrid([false, false, false]);
        Assert.Equal(1, none.Size);
        Assert.Equal(0, none.Cartesian.DimensionCount);
    });

    [Fact]
    public void RanksBeyondTheGridGetNullAndDupKeepsTheTopology() => InProcessWorld.Run(5, world =>
    {
        Communicator? grid = world.CreateCartesian([2, 2], [false, true]);
        if (world.Rank == 4)
        {
            Assert.Null(grid);
            return;
        }
        Assert.NotNull(grid);
        Assert.Equal(4, grid.Size);
        using Communicator copy = grid.Dup();
        Assert.Equal(grid.Cartesian.Coordinates.ToArray(), copy.Cartesian.Coordinates.ToArray());
        Assert.Equal([false, true], copy.Cartesian.Periods.ToArray());
        grid.Dispose();
    });

    [Fact]
    public void BadGridsFailWithOneClearMessageOnEveryRank() => InProcessWorld.Run(4, world =>
    {
        Assert.Equal("CreateCartesian: the 3x2 grid needs 6 ranks but communicator 'world' has 4 (Parameter 'dims')",
            Assert.Throws<ArgumentException>(() => world.CreateCartesian([3, 2], [false, false])).Message);
        Assert.StartsWith("CreateCartesian: dims[1] = -2 in 2x-2; every dimension needs at least 1 rank",
            Assert.Throws<ArgumentException>(() => world.CreateCartesian([2, -2], [false, false])).Message);
        Assert.StartsWith("CreateCartesian: periods has 1 entries but dims 2x2 has 2",
            Assert.Throws<ArgumentException>(() => world.CreateCartesian([2, 2], [false])).Message);
        Assert.StartsWith("communicator 'world' has no Cartesian topology",
            Assert.Throws<InvalidOperationException>(() => world.Cartesian).Message);
        // Nothing was half-created: the world still works.
        Assert.Equal(6, world.Allreduce(world.Rank, ReduceOp.Sum));
    });
}
