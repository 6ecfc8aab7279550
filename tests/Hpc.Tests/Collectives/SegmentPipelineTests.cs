using Hpc.Collectives;
using Xunit;

namespace Hpc.Tests.Collectives;

/// <summary>The ring algorithms with blocks of several pipeline segments each (the other tests stay below one segment).</summary>
public class SegmentPipelineTests
{
    private const int Size = 3;

    /// <summary>Two and a bit segments per block, so segments are forwarded while later ones still arrive.</summary>
    private static readonly int Count = Size * (2 * SegmentPipeline.SegmentLength<long>() + 1) + 2;

    private static long Value(int rank, int i) => (long)rank * 1_000_003 + i;

    [Fact]
    public void RingAllreduceOverSeveralSegmentsPerBlock()
    {
        InProcessWorld.Run(Size, world =>
        {
            var data = new long[Count];
            for (int i = 0; i < Count; i++)
                data[i] = Value(world.Rank, i);
            world.Allreduce(data, ReduceOp.Sum, AllreduceAlgorithm.Ring);
            for (int i = 0; i < Count; i++)
            {
                long expected = Value(0, i) + Value(1, i) + Value(2, i);
                if (data[i] != expected)
                    Assert.Fail($"element {i} is {data[i]}, expected {expected}");
            }
        });
    }

    [Fact]
    public void RingReduceScatterOverSeveralSegmentsPerBlock()
    {
        int block = Count / Size;
        InProcessWorld.Run(Size, world =>
        {
            var send = new long[block * Size];
            for (int i = 0; i < send.Length; i++)
                send[i] = Value(world.Rank, i);
            var receive = new long[block];
            world.ReduceScatterBlock(send, receive, ReduceOp.Sum, ReduceScatterAlgorithm.Ring);
            for (int i = 0; i < block; i++)
            {
                int global = world.Rank * block + i;
                Assert.Equal(Value(0, global) + Value(1, global) + Value(2, global), receive[i]);
            }
        });
    }

    [Fact]
    public void RingAllgatherOverSeveralSegmentsPerBlock()
    {
        int block = Count / Size;
        InProcessWorld.Run(Size, world =>
        {
            var send = new long[block];
            for (int i = 0; i < block; i++)
                send[i] = Value(world.Rank, i);
            var receive = new long[block * Size];
            world.Allgather(send, receive, AllgatherAlgorithm.Ring);
            for (int r = 0; r < Size; r++)
            {
                for (int i = 0; i < block; i++)
                {
                    if (receive[r * block + i] != Value(r, i))
                        Assert.Fail($"block {r} element {i} is {receive[r * block + i]}, expected {Value(r, i)}");
                }
            }
        });
    }
}
