using Xunit;
using static Hpc.Tests.Collectives.CollectiveTestData;

namespace Hpc.Tests.Collectives;

public class NonBlockingTests
{
    [Fact]
    public void SeveralOutstandingCollectivesCompleteInAnyWaitOrder()
    {
        const int size = 5;
        InProcessWorld.Run(size, world =>
        {
            using Communicator other = world.Dup();
            var buffers = new int[6][];
            var requests = new List<Request>();
            for (int i = 0; i < buffers.Length; i++)
            {
                buffers[i] = Enumerable.Repeat(world.Rank + i, 2000).ToArray();
                AllreduceAlgorithm algorithm = (AllreduceAlgorithm)(1 + i % 4);
                // Alternate communicators: in-flight collectives on both at once.
                requests.Add((i % 2 == 0 ? world : other).Iallreduce(buffers[i], ReduceOp.Sum, algorithm));
            }
            var root = new double[3000];
            if (world.Rank == 3)
                root.AsSpan().Fill(3.5);
            Request broadcast = world.Ibcast(root, 3);
            Request barrier = other.Ibarrier();

            // Wait in reverse order of issue: completion must not depend on it.
            barrier.Wait();
            broadcast.Wait();
            for (int i = requests.Count - 1; i >= 0; i--)
                requests[i].Wait();
            for (int i = 0; i < buffers.Length; i++)
                Assert.All(buffers[i], x => Assert.Equal(size * (size - 1) / 2 + size * i, x));
            Assert.All(root, x => Assert.Equal(3.5, x));
        }, SmallEagerLimit);
    }

    [Fact]
    public void ManyOutstandingCollectivesNeverWaitForABusyWorker()
    {
        const int size = 4, outstanding = 40;
        InProcessWorld.Run(size, world =>
        {
            for (int round = 0; round < 3; round++)
            {
                var requests = new Request[outstanding];
                var values = new long[outstanding][];
                for (int i = 0; i < outstanding; i++)
                {
                    values[i] = [world.Rank * i + round];
                    requests[i] = world.Iallreduce(values[i], ReduceOp.Sum);
                }
                // Rank-dependent wait order: every rank waits on a different request first.
                var order = Enumerable.Range(0, outstanding).OrderBy(i => (i * 7 + world.Rank * 13) % outstanding);
                foreach (int i in order)
                    requests[i].Wait();
                for (int i = 0; i < outstanding; i++)
                    Assert.Equal(6L * i + size * round, values[i][0]);
            }
        });
    }

    [Fact]
    public async Task AsyncFormsOverlapWithBlockingCollectives()
    {
        const int size = 4;
        await Task.Run(() => InProcessWorld.Run(size, world =>
        {
            float[] gradients = Floats(1, world.Rank, 5000);
            float[] expected = Reduce([.. Enumerable.Range(0, size).Select(r => Floats(1, r, 5000))], (a, b) => a + b);
            Task allreduce = world.AllreduceAsync(gradients, ReduceOp.Sum, AllreduceAlgorithm.Ring);
            Task<int> total = world.AllreduceAsync(world.Rank, ReduceOp.Sum);
            // A blocking collective issued while the others are in flight.
            Assert.Equal(6, world.Allreduce(world.Rank, ReduceOp.Max) + 3);

            var gathered = new int[size * 2];
            Task gather = world.AllgatherAsync(new[] { world.Rank, -world.Rank }.AsMemory(), gathered.AsMemory());
            var exchanged = new int[size];
            Task alltoall = world.AlltoallAsync(Enumerable.Range(0, size).Select(d => world.Rank * 10 + d).ToArray().AsMemory(), exchanged.AsMemory());
            var reduced = new long[world.Rank == 1 ? 3 : 0];
            Task reduce = world.ReduceAsync(new long[] { 1, 2, world.Rank }.AsMemory(), reduced.AsMemory(), ReduceOp.Sum, root: 1);
            var atRoot = new int[world.Rank == 2 ? size : 0];
            Task gatherToRoot = world.GatherAsync(new[] { world.Rank * 7 }.AsMemory(), atRoot.AsMemory(), root: 2);
            var piece = new int[2];
            Task scatter = world.ScatterAsync((world.Rank == 0 ? Enumerable.Range(0, 2 * size).ToArray() : []).AsMemory(), piece.AsMemory(), root: 0);
            Task barrier = world.BarrierAsync();

            Task.WaitAll(allreduce, total, gather, alltoall, reduce, gatherToRoot, scatter, barrier);
            for (int i = 0; i < gradients.Length; i++)
                Assert.True(Math.Abs(expected[i] - gradients[i]) <= 1e-4f * (Math.Abs(expected[i]) + 1));
            Assert.Equal(6, total.Result);
            Assert.Equal(Enumerable.Range(0, size).SelectMany(r => new[] { r, -r }), gathered);
            Assert.Equal(Enumerable.Range(0, size).Select(s => s * 10 + world.Rank), exchanged);
            if (world.Rank == 1)
                Assert.Equal([4, 8, 6], reduced);
            if (world.Rank == 2)
                Assert.Equal([0, 7, 14, 21], atRoot);
            Assert.Equal([2 * world.Rank, 2 * world.Rank + 1], piece);
        }));
    }

    [Fact]
    public void CancellationAbandonsTheWaitButTheCollectiveStillCompletes()
    {
        InProcessWorld.Run(2, world =>
        {
            var data = new int[] { world.Rank + 1 };
            if (world.Rank == 0)
            {
                using var cancel = new CancellationTokenSource();
                Task waiting = world.AllreduceAsync(data, ReduceOp.Sum, cancellationToken: cancel.Token);
                cancel.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => waiting.GetAwaiter().GetResult());
                world.Send(0, 1, 1); // now let rank 1 join
            }
            else
            {
                world.Receive<int>(0, 1);
                world.Allreduce(data, ReduceOp.Sum);
                Assert.Equal(3, data[0]);
            }
            // Both ranks go on to the next collective: the cancelled one did not disturb matching.
            Assert.Equal(2, world.Allreduce(1, ReduceOp.Sum));
            // The abandoned collective still finishes in the background (there is no handle to
            // wait on, so poll): its result lands in the buffer.
            if (world.Rank == 0)
                Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref data[0]) == 3, TimeSpan.FromSeconds(10)), $"data[0] is {data[0]}");
        });
    }

    [Fact]
    public void FailuresSurfaceThroughTheRequest()
    {
        InProcessWorld.Run(2, world =>
        {
            // Mismatched counts: the ranks disagree, and the request fails instead of hanging.
            int[] data = new int[world.Rank == 0 ? 3 : 4];
            Request request = world.Iallreduce(data, ReduceOp.Sum, AllreduceAlgorithm.RecursiveDoubling);
            var error = Assert.ThrowsAny<HpcException>(() => request.Wait());
            Assert.Contains("bytes", error.Message);
        });
    }
}
