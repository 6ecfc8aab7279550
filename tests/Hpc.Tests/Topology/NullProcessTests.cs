using Xunit;

namespace Hpc.Tests.Topology;

/// <summary>Communicator.ProcNull (MPI_PROC_NULL): every point-to-point call with it completes at once and moves nothing.</summary>
public class NullProcessTests
{
    [Fact]
    public void EveryPointToPointCallWithTheNullProcessCompletesAtOnce() => InProcessWorld.Run(2, world =>
    {
        int[] buffer = [7, 7];
        world.Send<int>(buffer, Communicator.ProcNull, 1);
        Status received = world.Receive<int>(buffer, Communicator.ProcNull, 1);
        Assert.Equal([7, 7], buffer);
        Assert.Equal(Communicator.ProcNull, received.Source);
        Assert.Equal(Communicator.AnyTag, received.Tag);
        Assert.Equal(0, received.Count);

        Request send = world.Isend<int>(buffer, Communicator.ProcNull, 2);
        Request receive = world.Irecv<int>(buffer, Communicator.ProcNull, Communicator.AnyTag);
        Assert.True(send.IsCompleted && receive.IsCompleted);
        Assert.Equal(Communicator.ProcNull, receive.Wait().Source);
        Assert.Equal(Communicator.ProcNull, world.ReceiveAsync<int>(buffer, Communicator.ProcNull, 3).Result.Source);
        world.SendAsync<int>(buffer, Communicator.ProcNull, 3).Wait();

        Assert.Equal(Communicator.ProcNull, world.Probe(Communicator.ProcNull, 5).Source);
        Assert.True(world.Iprobe(Communicator.ProcNull, 5, out Status probed));
        Assert.Equal(0, probed.ByteCount);
        Assert.Empty(world.ReceiveArray<int>(Communicator.ProcNull, 5));

        // SendReceive with one side null is the other side alone.
        int other = 1 - world.Rank;
        int got = world.Rank == 0
            ? world.SendReceive(10, other, 4, Communicator.ProcNull, 4)
            : world.SendReceive(11, Communicator.ProcNull, 4, other, 4);
        Assert.Equal(world.Rank == 0 ? 0 : 10, got);
        Assert.Equal(7, buffer[0]);
    });

    [Fact]
    public void OtherNegativeRanksAreStillRejected() => InProcessWorld.Run(1, world =>
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => world.Send(1, -3, 0));
        Assert.Contains("destination rank -3 is outside communicator 'world' of size 1 (ProcNull sends nowhere)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => world.Receive<int>(-3, 0));
    });
}
