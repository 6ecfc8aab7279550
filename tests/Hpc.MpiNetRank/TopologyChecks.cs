using System;
using System.Collections.Generic;
using System.Linq;
using MPI;

namespace MpiNetRank;

/// <summary>CartesianCommunicator and GraphCommunicator the way MPI.NET programs (and MPI.NET's CartTest and GraphTest) use them.</summary>
internal static class TopologyChecks
{
    public static void Run(Intracommunicator world)
    {
        Dimensions(world.Size);
        PeriodicGrid(world);
        Line(world);
        Grid3D(world);
        Graph(world);
    }

    private static void Dimensions(int size)
    {
        int[] dims = [0, 0];
        CartesianCommunicator.ComputeDimensions(size, 2, ref dims);
        Check.Equal(size, dims[0] * dims[1], "ComputeDimensions: product");
        Check.True(dims[0] >= dims[1], "ComputeDimensions: largest first");
        int[] expected = size switch { 1 => [1, 1], 2 => [2, 1], 7 => [7, 1], 8 => [4, 2], 16 => [4, 4], _ => dims };
        Check.Sequence(expected, dims, $"ComputeDimensions({size}, 2)");
        int[] fixedMiddle = [0, 3, 0];
        Check.Throws<ArgumentException>(() => CartesianCommunicator.ComputeDimensions(7, 3, ref fixedMiddle), "ComputeDimensions(7, {0,3,0}) is impossible");
        CartesianCommunicator.ComputeDimensions(6, 3, ref fixedMiddle);
        Check.Sequence([2, 3, 1], fixedMiddle, "ComputeDimensions(6, {0,3,0})");
    }

    private static void PeriodicGrid(Intracommunicator world)
    {
        int[] dims = [0, 0];
        CartesianCommunicator.ComputeDimensions(world.Size, 2, ref dims);
        bool[] periods = [true, true];
        var cc = new CartesianCommunicator(world, 2, dims, periods, false);
        Check.Sequence(dims, cc.Dimensions, "Dimensions");
        Check.Sequence(periods, cc.Periodic, "Periodic");
        int[] coords = cc.Coordinates;
        Check.Sequence([cc.Rank / dims[1], cc.Rank % dims[1]], coords, "Coordinates are row-major");
        Check.Sequence(coords, cc.GetCartesianCoordinates(cc.Rank), "GetCartesianCoordinates");
        for (int r = 0; r < cc.Size; r++)
            Check.Equal(r, cc.GetCartesianRank(cc.GetCartesianCoordinates(r)), "GetCartesianRank round trip");
        Check.Equal(cc.GetCartesianRank([0, 0]), cc.GetCartesianRank([dims[0], -dims[1]]), "periodic coordinates wrap");
        // Edges per dimension: dims[d] per line (periodic), dims[other] lines.
        Check.Equal(dims[0] * dims[1] * 2, cc.NumEdges, "NumEdges of a periodic 2-D grid");

        // CartTest's exchange: shift along dimension 0 and send the coordinates.
        cc.Shift(0, 1, out int source, out int dest);
        cc.Send(coords, dest, 0);
        var received = new int[2];
        cc.Receive(source, 0, ref received);
        Check.Sequence([(received[0] + 1) % dims[0], received[1]], coords, "Shift(0, 1) pairs");

        CartesianCommunicator row = cc.Subgrid([1, 0]);
        Check.Sequence([dims[0]], row.Dimensions, "Subgrid keeps dimension 0");
        Check.Equal(coords[0], row.Coordinates[0], "Subgrid coordinates");
        Check.Sequence(Enumerable.Range(0, dims[0]).Select(x => x * dims[1] + coords[1]), row.Allgather(cc.Rank), "Subgrid members");

        // MPI.NET's Neighbors: no repeats along a periodic dimension of 1 or 2.
        var expected = new List<int>();
        for (int d = 0; d < 2; d++)
        {
            if (dims[d] > 2)
            {
                int[] at = cc.Coordinates;
                at[d] = (coords[d] + dims[d] - 1) % dims[d];
                expected.Add(cc.GetCartesianRank(at));
                at[d] = (coords[d] + 1) % dims[d];
                expected.Add(cc.GetCartesianRank(at));
            }
            else if (dims[d] == 2)
            {
                int[] at = cc.Coordinates;
                at[d] = 1 - coords[d];
                expected.Add(cc.GetCartesianRank(at));
            }
        }
        Check.Sequence(expected.Order(), cc.Neighbors.Order(), "Neighbors");

        var clone = (CartesianCommunicator)cc.Clone();
        Check.Sequence(coords, clone.Coordinates, "a clone of a grid is a grid");
        Check.Equal(CartesianCommunicator.Map(world, 2, dims, periods), world.Rank, "Map keeps the rank");
        Check.Equal(Group.NoProcess, CartesianCommunicator.Map(world, 1, [0], [false]), "Map of an empty grid");
        clone.Dispose();
        row.Dispose();
        cc.Dispose();
    }

    private static void Line(Intracommunicator world)
    {
        var line = new CartesianCommunicator(world, 1, [world.Size], [false], false);
        line.Shift(0, 1, out int source, out int dest);
        Check.Equal(line.Rank == 0 ? CartesianCommunicator.ProcNull : line.Rank - 1, source, "Shift source on a line");
        Check.Equal(line.Rank == line.Size - 1 ? CartesianCommunicator.ProcNull : line.Rank + 1, dest, "Shift dest on a line");
        // Sends to and receives from MPI_PROC_NULL do nothing.
        line.Send(line.Rank * 3, dest, 5);
        line.Receive(source, 5, out int value);
        Check.Equal(source == CartesianCommunicator.ProcNull ? 0 : source * 3, value, "Send/Receive along a line with ProcNull ends");
        Check.Equal(world.Size - 1, line.NumEdges, "NumEdges of a line");
        Check.Throws<ArgumentException>(() => new CartesianCommunicator(world, 1, [world.Size + 1], [false], false), "a grid larger than the communicator");
        line.Dispose();
    }

    private static void Grid3D(Intracommunicator world)
    {
        int[] dims = [0, 0, 2];
        if (world.Size % 2 != 0)
        {
            Check.Throws<ArgumentException>(() => CartesianCommunicator.ComputeDimensions(world.Size, 3, ref dims), "ComputeDimensions: an odd size over {0,0,2}");
            return;
        }
        CartesianCommunicator.ComputeDimensions(world.Size, 3, ref dims);
        Check.Equal(2, dims[2], "the fixed dimension stays");
        var cc = new CartesianCommunicator(world, 3, dims, [true, false, true], false);
        int expectedEdges = dims[0] * dims[1] * dims[2] + (dims[1] - 1) * dims[0] * dims[2] + dims[0] * dims[1] * dims[2];
        Check.Equal(expectedEdges, cc.NumEdges, "NumEdges of a 3-D grid");
        cc.Dispose();
    }

    private static void Graph(Intracommunicator world)
    {
        int n = world.Size;
        int[][] edges = [.. Enumerable.Range(0, n).Select(i => new[] { (i + 1) % n, (i + 2) % n, (i + 3) % n })];
        var gc = new GraphCommunicator(world, edges, false);
        int[][] back = gc.Edges;
        for (int i = 0; i < n; i++)
            Check.Sequence(edges[i], back[i], $"Edges[{i}]");
        Check.Equal(3 * n, gc.NumEdges, "NumEdges of the graph");
        Check.Sequence(edges[gc.Rank], gc.Neighbors, "Neighbors");
        Check.Sequence(edges[(gc.Rank + 1) % n], gc.NeighborsOf((gc.Rank + 1) % n), "NeighborsOf");
        Check.Equal(world.Rank, GraphCommunicator.Map(world, edges), "GraphCommunicator.Map");
        Check.Throws<ArgumentException>(() => new GraphCommunicator(world, [[n]], false), "an edge to no node");
        gc.Dispose();
    }
}
