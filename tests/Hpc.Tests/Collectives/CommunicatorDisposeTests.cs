using Xunit;

namespace Hpc.Tests.Collectives;

/// <summary>Disposing communicators as MPI users expect: World and Self belong to the session.</summary>
public class CommunicatorDisposeTests
{
    [Fact]
    public void DisposingWorldOrSelfLeavesThemUsableAndTheSessionStillFinalizes()
    {
        InProcessWorld.Run(2, world =>
        {
            var session = new MpiSession(world.Runtime, () => { });
            // 'using var world = session.World;' in a user's program ends up here.
            session.World.Dispose();
            session.Self.Dispose();
            Assert.Equal(3, session.World.Allreduce(session.World.Rank + 1, ReduceOp.Sum));
            Assert.Equal(7, session.Self.Allreduce(7, ReduceOp.Sum));
            // The finalizing barrier runs on World: it must not find it disposed.
            session.Dispose();
        });
    }

    [Fact]
    public void ADisposedDupCannotBeUsedInAnyForm()
    {
        InProcessWorld.Run(2, world =>
        {
            Communicator dup = world.Dup();
            dup.Dispose();
            var blocking = Assert.Throws<ObjectDisposedException>(() => dup.Barrier());
            Assert.Contains("was disposed", blocking.Message);
            Assert.Equal(blocking.Message, Assert.Throws<ObjectDisposedException>(() => { _ = dup.BarrierAsync(); }).Message);
            Assert.Equal(blocking.Message, Assert.Throws<ObjectDisposedException>(() => dup.Ibarrier()).Message);
            Assert.Equal(2, world.Allreduce(1, ReduceOp.Sum));
        });
    }
}
