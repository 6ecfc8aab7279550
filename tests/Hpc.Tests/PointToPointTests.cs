using Xunit;

namespace Hpc.Tests;

public class PointToPointTests
{
    [Theory]
    [InlineData(16)]          // tiny eager limit: most messages take the rendezvous path
    [InlineData(64 * 1024)]
    public void SendAndReceiveArraysOfSeveralSizes(long eagerLimit)
    {
        int[] sizes = [0, 1, 3, 4, 5, 100, 4096, 70_000, 1 << 21];
        InProcessWorld.Run(2, world =>
        {
            foreach (int n in sizes)
            {
                if (world.Rank == 0)
                {
                    double[] data = [.. Enumerable.Range(0, n).Select(i => i * 0.5)];
                    world.Send(data, 1, n);
                }
                else
                {
                    var buffer = new double[n];
                    Status status = world.Receive(buffer, 0, n);
                    Assert.Equal(0, status.Source);
                    Assert.Equal(n, status.Tag);
                    Assert.Equal(n, status.Count);
                    for (int i = 0; i < n; i++)
                        Assert.Equal(i * 0.5, buffer[i]);
                }
            }
        }, eagerLimit);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(1 << 20)]
    public void MessagesFromOneSenderOnOneTagAreNotOvertaken(long eagerLimit)
    {
        const int count = 500;
        InProcessWorld.Run(2, world =>
        {
            if (world.Rank == 0)
            {
                var pending = new List<Request>();
                for (int i = 0; i < count; i++)
                    pending.Add(world.Isend(new[] { i, i, i, i, i }, 1, 7));
                Request.WaitAll([.. pending]);
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    int[] got = world.ReceiveArray<int>(i % 2 == 0 ? 0 : Communicator.AnySource, 7);
                    Assert.Equal(i, got[0]);
                }
            }
        }, eagerLimit);
    }

    [Fact]
    public void AnySourceAndAnyTagReportTheSenderAndTag()
    {
        InProcessWorld.Run(4, world =>
        {
            if (world.Rank != 0)
            {
                world.Send(world.Rank * 10, 0, world.Rank + 100);
                return;
            }
            var seen = new HashSet<int>();
            for (int i = 0; i < 3; i++)
            {
                int value = world.Receive<int>(Communicator.AnySource, Communicator.AnyTag, out Status status);
                Assert.Equal(status.Source * 10, value);
                Assert.Equal(status.Source + 100, status.Tag);
                seen.Add(status.Source);
            }
            Assert.Equal([1, 2, 3], seen.Order());
        });
    }

    [Fact]
    public void TagsSelectAmongWaitingMessages()
    {
        InProcessWorld.Run(2, world =>
        {
            if (world.Rank == 0)
            {
                world.Send(1, 1, 1);
                world.Send(2, 1, 2);
                world.Send(3, 1, 3);
            }
            else
            {
                world.Probe(0, 3);
                Assert.Equal(3, world.Receive<int>(0, 3));
                Assert.Equal(2, world.Receive<int>(0, 2));
                Assert.Equal(1, world.Receive<int>(0, 1));
            }
        });
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(16)]
    public void TruncationNamesBothSizesAndLeavesTheJobUsable(long eagerLimit)
    {
        InProcessWorld.Run(2, world =>
        {
            if (world.Rank == 0)
            {
                world.Send(new long[10], 1, 5);
                world.Send(42L, 1, 6);
            }
            else
            {
                var error = Assert.Throws<MessageTruncatedException>(() => world.Receive(new long[4], 0, 5));
                Assert.Equal(80, error.MessageBytes);
                Assert.Equal(32, error.BufferBytes);
                Assert.Contains("80 bytes", error.Message);
                Assert.Contains("32 bytes", error.Message);
                Assert.Equal(42L, world.Receive<long>(0, 6));
            }
        }, eagerLimit);
    }

    [Fact]
    public void LargeUnmatchedMessagesAreNotBufferedAtTheReceiver()
    {
        InProcessWorld.Run(2, world =>
        {
            if (world.Rank == 0)
            {
                var big = new byte[1 << 20];
                Request a = world.Isend(big, 1, 1);
                Request b = world.Isend(big, 1, 2);
                world.Send(0, 1, 3);
                world.Receive<int>(1, 4);
                Assert.False(a.IsCompleted);
                Assert.False(b.IsCompleted);
                world.Send(0, 1, 5);
                Request.WaitAll(a, b);
            }
            else
            {
                world.Receive<int>(0, 3);
                // Both large messages are known but their data has not moved: only the
                // fixed-size requests wait here.
                Assert.True(world.Iprobe(0, 1, out Status first));
                Assert.Equal(1 << 20, first.ByteCount);
                world.Send(0, 0, 4);
                world.Receive<int>(0, 5);
                var buffer = new byte[1 << 20];
                world.Receive(buffer, 0, 2);
                world.Receive(buffer, 0, 1);
            }
        }, eagerLimit: 1024);
    }

    [Fact]
    public void SendToSelfWorksForSmallAndLargeMessages()
    {
        InProcessWorld.Run(1, world =>
        {
            world.Send(new int[] { 1, 2, 3 }, 0, 0);
            world.Send(new int[1 << 20], 0, 1);
            Assert.Equal([1, 2, 3], world.ReceiveArray<int>(0, 0));
            Assert.Equal(1 << 20, world.ReceiveArray<int>(0, 1).Length);
            Assert.Equal(5, world.SendReceive(5, 0, 9, 0, 9));
        }, eagerLimit: 64);
    }

    [Fact]
    public void SendReceiveInARingDoesNotDeadlockForLargeMessages()
    {
        InProcessWorld.Run(5, world =>
        {
            int right = (world.Rank + 1) % world.Size, left = (world.Rank + world.Size - 1) % world.Size;
            int[] mine = [.. Enumerable.Repeat(world.Rank, 100_000)];
            var got = new int[100_000];
            world.SendReceive(mine, right, 0, got, left, 0);
            Assert.All(got, v => Assert.Equal(left, v));
        }, eagerLimit: 1024);
    }

    [Fact]
    public void NonBlockingRequestsWaitAnyTestAndAsync()
    {
        InProcessWorld.Run(3, world =>
        {
            if (world.Rank == 0)
            {
                var a = new int[1];
                var b = new int[1];
                Request ra = world.Irecv(a, 1, 0);
                Request rb = world.Irecv(b, 2, 0);
                Assert.False(ra.Test());
                world.Send(1, 1, 99);
                world.Send(1, 2, 99);
                (int index, Status status) = Request.WaitAny(ra, rb);
                Assert.Equal(index + 1, status.Source);
                Request.WaitAll(ra, rb);
                Assert.Equal(10, a[0]);
                Assert.Equal(20, b[0]);
                var buffer = new int[2];
                Status s = world.ReceiveAsync<int>(buffer, Communicator.AnySource, 5).GetAwaiter().GetResult();
                Assert.Equal(2, s.Count);
            }
            else
            {
                world.Receive<int>(0, 99);
                world.Send(world.Rank * 10, 0, 0);
                if (world.Rank == 1)
                    world.SendAsync<int>(new[] { 7, 8 }, 0, 5).GetAwaiter().GetResult();
            }
        });
    }

    [Fact]
    public void CancelledAsyncReceiveIsWithdrawn()
    {
        InProcessWorld.Run(2, world =>
        {
            if (world.Rank == 1)
            {
                using var cts = new CancellationTokenSource();
                Task<Status> pending = world.ReceiveAsync<int>(new int[1], 0, 1, cts.Token);
                cts.Cancel();
                Assert.ThrowsAny<OperationCanceledException>(() => pending.GetAwaiter().GetResult());
                world.Send(0, 0, 2);
                Assert.Equal(77, world.Receive<int>(0, 1));
            }
            else
            {
                world.Receive<int>(1, 2);
                world.Send(77, 1, 1);
            }
        });
    }

    [Fact]
    public void ManyThreadsOfOneRankSendAndReceiveConcurrently()
    {
        const int threads = 8, perThread = 200;
        InProcessWorld.Run(2, world =>
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (int i = 0; i < perThread; i++)
                {
                    int peer = 1 - world.Rank;
                    int got = world.SendReceive(t * 1000 + i, peer, t, peer, t);
                    Assert.Equal(t * 1000 + i, got);
                }
            });
        });
    }

    [Fact]
    public void ArgumentErrorsNameTheArgumentAndValue()
    {
        InProcessWorld.Run(2, world =>
        {
            var bad = Assert.Throws<ArgumentOutOfRangeException>(() => world.Send(1, 5, 0));
            Assert.Equal("dest", bad.ParamName);
            Assert.Contains("5", bad.Message);
            Assert.Equal("tag", Assert.Throws<ArgumentOutOfRangeException>(() => world.Send(1, 0, -3)).ParamName);
            Assert.Equal("source", Assert.Throws<ArgumentOutOfRangeException>(() => world.Receive<int>(2, 0)).ParamName);
        });
    }

    [Fact]
    public void ProbeWaitsForAMessageAndIprobeDoesNot()
    {
        InProcessWorld.Run(2, world =>
        {
            if (world.Rank == 0)
            {
                Assert.False(world.Iprobe(1, 3, out _));
                world.Send(0, 1, 1);
                Status status = world.Probe<double>(1, 3);
                Assert.Equal(3, status.Count);
                Assert.Equal(3, world.ReceiveArray<double>(1, 3).Length);
            }
            else
            {
                world.Receive<int>(0, 1);
                world.Send(new double[3], 0, 3);
            }
        });
    }

    [Fact]
    public void UsingADisposedCommunicatorNamesIt()
    {
        InProcessWorld.Run(2, world =>
        {
            Communicator copy = world.Dup();
            copy.Dispose();
            var error = Assert.Throws<ObjectDisposedException>(() => copy.Send(1, 1 - world.Rank, 0));
            Assert.Contains("was disposed", error.Message);
            Assert.Contains(copy.Name, error.Message);
            world.Barrier();
        });
    }
}
