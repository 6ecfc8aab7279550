namespace MpiNetTests;

/// <summary>CartesianCommunicator, GraphCommunicator and attributes with ranks as threads.</summary>
public class TopologyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(6)]
    public void CartesianCommunicatorMatchesTheCoreGridAndShiftsAroundARing(int size) => Ranks.Run(size, world =>
    {
        int[] dims = [0, 0];
        CartesianCommunicator.ComputeDimensions(size, 2, ref dims);
        using var grid = new CartesianCommunicator(world, 2, dims, [true, false], reorder: true);
        Assert.Equal(world.Rank, grid.Rank);
        Assert.Equal(grid.HpcCommunicator.Cartesian.Coordinates.ToArray(), grid.Coordinates);
        grid.Shift(0, 1, out int source, out int dest);
        grid.SendReceive(grid.Rank, dest, 1, source, 1, out int got);
        Assert.Equal(source, got);
        grid.Shift(1, 1, out int left, out int right);
        Assert.Equal(grid.Coordinates[1] == 0 ? CartesianCommunicator.ProcNull : grid.Rank - 1, left);
        Assert.Equal(grid.Coordinates[1] == dims[1] - 1 ? CartesianCommunicator.ProcNull : grid.Rank + 1, right);
        Assert.IsType<CartesianCommunicator>(grid.Clone());
    });

    [Fact]
    public void SerializedValuesToAndFromProcNullMoveNothing() => Ranks.Run(3, world =>
    {
        using var line = new CartesianCommunicator(world, 1, [3], [false], false);
        line.Shift(0, 1, out int source, out int dest);
        line.Send($"from {line.Rank}", dest, 2);
        line.Receive(source, 2, out string text, out CompletedStatus status);
        Assert.Equal(source == CartesianCommunicator.ProcNull ? null : $"from {source}", text);
        Assert.Equal(source, status.Source);
        ReceiveRequest pending = line.ImmediateReceive<string>(source, 3);
        line.ImmediateSend(new string('x', 20_000), dest, 3).Wait();
        pending.Wait();
        Assert.Equal(source == CartesianCommunicator.ProcNull ? null : new string('x', 20_000), (string)pending.GetValue());
    });

    [Fact]
    public void AProcessBeyondTheGridIsToldWhy() => Ranks.Run(3, world =>
    {
        if (world.Rank < 2)
        {
            using var grid = new CartesianCommunicator(world, 1, [2], [false], false);
            Assert.Equal(2, grid.Size);
        }
        else
        {
            var e = Assert.Throws<InvalidOperationException>(() => new CartesianCommunicator(world, 1, [2], [false], false));
            Assert.StartsWith("rank 2 is not part of the 2 grid, which has only 2 processes", e.Message);
        }
    });

    [Fact]
    public void GraphCommunicatorKeepsTheEdgesAsGiven() => Ranks.Run(4, world =>
    {
        int[][] edges = [[1, 1, 2], [0], [3, 0], []];
        using var graph = new GraphCommunicator(world, edges, false);
        Assert.Equal(6, graph.NumEdges);
        Assert.Equal(edges[graph.Rank], graph.Neighbors);
        Assert.Equal(edges, graph.Edges);
        Assert.IsType<GraphCommunicator>(graph.Clone());
    });

    [Fact]
    public void AttributesFollowTheirDuplicationOnClone() => Ranks.Run(2, world =>
    {
        var shallowLarge = MPI.Attribute.Create<(long, long)>(AttributeDuplication.Shallow);
        var deepObject = MPI.Attribute.Create<List<int>>(AttributeDuplication.Deep);
        var none = MPI.Attribute.Create<string>(AttributeDuplication.None);
        var parent = (Intracommunicator)world.Clone();
        parent.Attributes[shallowLarge] = (1L, 2L);
        parent.Attributes[none] = "here only";
        var child = (Intracommunicator)parent.Clone();
        parent.Attributes[deepObject] = new List<int> { 1 };
        parent.Attributes[shallowLarge] = (3L, 4L);
        Assert.Equal((3L, 4L), child.Attributes[shallowLarge]);
        Assert.Null(child.Attributes[none]);
        // List<int> is not ICloneable: a Deep copy of it cannot be made, and the Clone says so.
        var e = Assert.Throws<InvalidOperationException>(() => parent.Clone());
        Assert.Contains("List`1, which is not ICloneable", e.Message);
        child.Dispose();
        parent.Dispose();
    });
}
