namespace MpiNetTests;

/// <summary>The layer over in-process worlds: ranks as threads, each wrapping its Hpc communicator.</summary>
public class InProcessTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void SerializedPointToPointAroundARing(int size) => Ranks.Run(size, comm =>
    {
        int next = (comm.Rank + 1) % size, prev = (comm.Rank + size - 1) % size;
        string big = new string('q', 50_000) + comm.Rank;
        comm.Send($"small {comm.Rank}", next, 1);
        comm.Send(big, next, 2);
        Assert.Equal($"small {prev}", comm.Receive<string>(prev, 1));
        comm.Receive(Communicator.anySource, 2, out string bigIn, out CompletedStatus status);
        Assert.Equal(new string('q', 50_000) + prev, bigIn);
        Assert.Equal(prev, status.Source);
    });

    [Fact]
    public void ConcurrentReceivesOfLargeValuesDoNotSwapPayloads() => Ranks.Run(2, comm =>
    {
        if (comm.Rank == 0)
        {
            for (int i = 0; i < 20; i++)
                comm.Send(new string((char)('a' + i), 20_000 + i), 1, 7);
        }
        else
        {
            var list = new RequestList();
            var requests = Enumerable.Range(0, 20).Select(_ => comm.ImmediateReceive<string>(0, 7)).ToArray();
            foreach (ReceiveRequest request in requests)
                list.Add(request);
            list.WaitAll();
            for (int i = 0; i < 20; i++)
                Assert.Equal(new string((char)('a' + i), 20_000 + i), (string)requests[i].GetValue());
        }
    });

    [Fact]
    public void ReceivesWithoutAStatusAllocateNothing() => Ranks.Run(2, comm =>
    {
        // MPI.NET's status is a class: a receive that built one for a caller who does not take
        // it cost a young-generation allocation per message (measurable in sub-microsecond ping-pongs).
        const int Warmup = 200, Measured = 2000;
        var buffer = new byte[64];
        if (comm.Rank == 0)
        {
            for (int i = 0; i < Warmup + Measured; i++)
            {
                comm.Send(buffer, 1, 5);
                comm.Send(i, 1, 6);
            }
            return;
        }
        long allocated = 0;
        for (int i = 0; i < Warmup + Measured; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            comm.Receive(0, 5, ref buffer);
            int value = comm.Receive<int>(0, 6);
            if (i >= Warmup)
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(i, value);
        }
        Assert.True(allocated < Measured, $"{Measured} pairs of receives allocated {allocated} bytes");
        // The forms that report a status still do.
        comm.Send(7, 1, 8);
        comm.Receive(1, 8, out int own, out CompletedStatus status);
        Assert.Equal((7, 1, 8, (int?)1), (own, status.Source, status.Tag, status.Count(typeof(int))));
    });

    [Fact]
    public void WaitingOnASendBeforeTheMatchingReceiveDoesNotDeadlock() => Ranks.Run(2, comm =>
    {
        int other = 1 - comm.Rank;
        ReceiveRequest receive = comm.ImmediateReceive<int[]>(other, 3);
        comm.ImmediateSend(Enumerable.Range(0, 100_000).Select(i => (int?)i).ToArray(), other, 4).Wait();
        comm.ImmediateSend<int[]>(new int[200_000], other, 3).Wait();
        Assert.Equal(100_000, comm.Receive<int?[]>(other, 4).Length);
        receive.Wait();
        Assert.Equal(200_000, ((int[])receive.GetValue()).Length);
    });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void ReductionsCombineInRankOrder(int size) => Ranks.Run(size, comm =>
    {
        string all = string.Concat(Enumerable.Range(0, size));
        ReductionOperation<string> concat = (a, b) => a + b;
        Assert.Equal(all, comm.Allreduce($"{comm.Rank}", concat));
        Assert.Equal(string.Concat(Enumerable.Range(0, comm.Rank + 1)), comm.Scan($"{comm.Rank}", concat));
        ReductionOperation<long> keepFirst = (a, _) => a;
        Assert.Equal(0L, comm.Allreduce((long)comm.Rank, keepFirst));
        ReductionOperation<long> keepLast = (_, b) => b;
        Assert.Equal(size - 1L, comm.Allreduce(new[] { (long)comm.Rank }, keepLast)[0]);
        Assert.Equal(comm.Rank == 0 ? 0L : comm.Rank - 1L, comm.ExclusiveScan((long)comm.Rank, keepLast));
    });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void CollectivesOfObjects(int size) => Ranks.Run(size, comm =>
    {
        List<int>[] lists = comm.Allgather(new List<int> { comm.Rank });
        Assert.Equal(Enumerable.Range(0, size), lists.Select(l => l[0]));
        string[] received = comm.Alltoall(Enumerable.Range(0, size).Select(d => $"{comm.Rank}>{d}").ToArray());
        Assert.Equal(Enumerable.Range(0, size).Select(s => $"{s}>{comm.Rank}"), received);
        string? value = comm.Rank == 0 ? "root" : null;
        comm.Broadcast(ref value, 0);
        Assert.Equal("root", value);
    });

    [Fact]
    public void SplitCreateAndCancel() => Ranks.Run(4, comm =>
    {
        Intracommunicator half = comm.Split(comm.Rank / 2, -comm.Rank);
        Assert.Equal(2, half.Size);
        Assert.Equal(1 - comm.Rank % 2, half.Rank);
        Intracommunicator? odd = comm.Create(comm.Group.IncludeOnly([3, 1]));
        if (comm.Rank % 2 == 1)
            Assert.Equal(comm.Rank == 3 ? 0 : 1, odd!.Rank);
        else
            Assert.Null(odd);
        ReceiveRequest never = comm.ImmediateReceive<string>(Communicator.anySource, 99);
        never.Cancel();
        Assert.True(never.Wait().Cancelled);
        comm.Barrier();
    });
}
