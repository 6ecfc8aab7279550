using Xunit;

namespace Hpc.Tests.Topology;

/// <summary>CartesianTopology.ComputeDimensions against MPI_Dims_create's documented results and its error cases.</summary>
public class DimensionsTests
{
    [Theory]
    // The MPI standard's own examples (MPI 4.0 §8.5.2).
    [InlineData(6, new[] { 0, 0 }, new[] { 3, 2 })]
    [InlineData(7, new[] { 0, 0 }, new[] { 7, 1 })]
    [InlineData(6, new[] { 0, 3, 0 }, new[] { 2, 3, 1 })]
    // More, as Open MPI and MPICH answer them.
    [InlineData(12, new[] { 0, 3, 0 }, new[] { 2, 3, 2 })]
    [InlineData(1, new[] { 0, 0 }, new[] { 1, 1 })]
    [InlineData(8, new[] { 0, 0, 0 }, new[] { 2, 2, 2 })]
    [InlineData(12, new[] { 0, 0, 0 }, new[] { 3, 2, 2 })]
    [InlineData(16, new[] { 0, 0, 0 }, new[] { 4, 2, 2 })]
    [InlineData(24, new[] { 0, 0 }, new[] { 6, 4 })]
    [InlineData(30, new[] { 0, 0 }, new[] { 6, 5 })]
    [InlineData(36, new[] { 0, 0, 0 }, new[] { 4, 3, 3 })]
    [InlineData(64, new[] { 0, 0, 0 }, new[] { 4, 4, 4 })]
    [InlineData(13, new[] { 0, 0, 0 }, new[] { 13, 1, 1 })]
    [InlineData(8, new[] { 2, 0 }, new[] { 2, 4 })]
    [InlineData(4, new[] { 0, 4 }, new[] { 1, 4 })]
    [InlineData(12, new[] { 3, 4 }, new[] { 3, 4 })]
    [InlineData(5, new[] { 0 }, new[] { 5 })]
    public void ComputeDimensionsGivesTheBalancedGrid(int nodes, int[] dims, int[] expected) =>
        Assert.Equal(expected, CartesianTopology.ComputeDimensions(nodes, dims));

    [Fact]
    public void ComputeDimensionsByCountFillsEveryDimension()
    {
        Assert.Equal([3, 2], CartesianTopology.ComputeDimensions(6, 2));
        Assert.Equal([2, 2, 2, 1], CartesianTopology.ComputeDimensions(8, 4));
        Assert.Equal([], CartesianTopology.ComputeDimensions(1, 0));
    }

    [Fact]
    public void TheFreeDimensionsAreNonIncreasingAndTheProductIsExact()
    {
        for (int nodes = 1; nodes <= 200; nodes++)
        {
            for (int count = 1; count <= 4; count++)
            {
                int[] dims = CartesianTopology.ComputeDimensions(nodes, count);
                Assert.Equal(nodes, dims.Aggregate(1, (a, b) => a * b));
                for (int i = 1; i < count; i++)
                    Assert.True(dims[i - 1] >= dims[i], $"{nodes} in {count}: {string.Join("x", dims)}");
            }
        }
    }

    [Theory]
    [InlineData(7, new[] { 0, 3, 0 }, "7 ranks cannot fill dims (0,3,0): the fixed entries' product 3 does not divide 7")]
    [InlineData(12, new[] { 3, 5 }, "dims (3,5) fixes every dimension, and their product 15 is not the 12 ranks")]
    [InlineData(6, new[] { -1, 0 }, "dims (-1,0) has the negative entry -1; an entry is 0 (to be computed) or a fixed size >= 1")]
    [InlineData(6, new[] { 4, 0 }, "6 ranks cannot fill dims (4,0): the fixed entries' product 4 does not divide 6")]
    public void ImpossibleDimensionsFailWithOneClearMessage(int nodes, int[] dims, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => CartesianTopology.ComputeDimensions(nodes, dims));
        Assert.StartsWith("ComputeDimensions: " + message, e.Message);
    }

    [Fact]
    public void NoRanksOrNegativeDimensionCountIsRejected()
    {
        Assert.Contains("at least 1 (got 0)", Assert.Throws<ArgumentOutOfRangeException>(() => CartesianTopology.ComputeDimensions(0, 2)).Message);
        Assert.Contains("must be >= 0 (got -1)", Assert.Throws<ArgumentOutOfRangeException>(() => CartesianTopology.ComputeDimensions(4, -1)).Message);
    }
}
