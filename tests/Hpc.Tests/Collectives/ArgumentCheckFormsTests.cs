using Xunit;

namespace Hpc.Tests.Collectives;

/// <summary>
/// The blocking, …Async and I… forms of a collective share one preparation, so a bad argument
/// fails every form the same way — synchronously, at the call, before any message is sent.
/// </summary>
public class ArgumentCheckFormsTests
{
    /// <summary>Every form throws, at the call, an exception of the same type with the same message and parameter.</summary>
    private static void FailAlike(string what, params Action[] forms)
    {
        Exception? thrown = Record.Exception(forms[0]);
        if (thrown is not (ArgumentException or ObjectDisposedException))
            Assert.Fail($"{what}: the blocking form threw {thrown?.GetType().Name ?? "nothing"}");
        Exception first = thrown;
        for (int i = 1; i < forms.Length; i++)
        {
            Exception? other = Record.Exception(forms[i]);
            Assert.True(other is not null, $"{what}: form {i} did not throw at the call");
            Assert.Equal(first.GetType(), other.GetType());
            Assert.Equal(first.Message, other.Message);
            Assert.Equal((first as ArgumentException)?.ParamName, (other as ArgumentException)?.ParamName);
        }
    }

    [Fact]
    public void EveryFormOfEveryCollectiveChecksAlike()
    {
        InProcessWorld.Run(3, world =>
        {
            var four = new int[4];
            var floats = new float[3];
            ReduceOp noOp = null!;

            FailAlike("broadcast root", () => world.Broadcast(four, 3), () => world.BroadcastAsync(four, 3), () => world.Ibcast(four, 3));

            FailAlike("allreduce op not defined for the type",
                () => world.Allreduce(floats, ReduceOp.BitAnd), () => world.AllreduceAsync(floats, ReduceOp.BitAnd), () => world.Iallreduce(floats, ReduceOp.BitAnd));
            FailAlike("allreduce without op",
                () => world.Allreduce(four, noOp), () => world.AllreduceAsync(four, noOp), () => world.Iallreduce(four, noOp),
                () => world.Allreduce(1, noOp), () => world.AllreduceAsync(1, noOp));
            FailAlike("allreduce receive too small",
                () => world.Allreduce(new int[5], four, ReduceOp.Sum),
                () => world.AllreduceAsync(new int[5], four.AsMemory(), ReduceOp.Sum),
                () => world.Iallreduce(new int[5], four.AsMemory(), ReduceOp.Sum));
            var buffer = new int[6];
            FailAlike("allreduce buffers overlap",
                () => world.Allreduce(buffer.AsSpan(0, 4), buffer.AsSpan(1, 5), ReduceOp.Sum),
                () => world.AllreduceAsync(buffer.AsMemory(0, 4), buffer.AsMemory(1, 5), ReduceOp.Sum),
                () => world.Iallreduce(buffer.AsMemory(0, 4), buffer.AsMemory(1, 5), ReduceOp.Sum));

            FailAlike("reduce root",
                () => world.Reduce(four, four, ReduceOp.Sum, -1), () => world.ReduceAsync<int>(four, four, ReduceOp.Sum, -1), () => world.Ireduce<int>(four, four, ReduceOp.Sum, -1));
            FailAlike("gather root",
                () => world.Gather<int>(four, new int[12], 5), () => world.GatherAsync<int>(four, new int[12], 5), () => world.Igather<int>(four, new int[12], 5));
            FailAlike("scatter root",
                () => world.Scatter<int>(new int[12], four, 5), () => world.ScatterAsync<int>(new int[12], four, 5), () => world.Iscatter<int>(new int[12], four, 5));
            FailAlike("allgather receive too small",
                () => world.Allgather<int>(new int[2], new int[5]), () => world.AllgatherAsync<int>(new int[2], new int[5]), () => world.Iallgather<int>(new int[2], new int[5]));
            FailAlike("alltoall not a multiple of the size",
                () => world.Alltoall<int>(four, four), () => world.AlltoallAsync<int>(four, new int[4]), () => world.Ialltoall<int>(four, new int[4]));
            var shared = new int[6];
            FailAlike("alltoall in place",
                () => world.Alltoall<int>(shared, shared), () => world.AlltoallAsync<int>(shared, shared), () => world.Ialltoall<int>(shared, shared));

            // Checks that only the root makes: the other ranks would start the collective, so only rank 0 calls.
            if (world.Rank == 0)
            {
                FailAlike("reduce receive too small at the root",
                    () => world.Reduce(new int[5], four, ReduceOp.Sum, 0),
                    () => world.ReduceAsync<int>(new int[5], four, ReduceOp.Sum, 0),
                    () => world.Ireduce<int>(new int[5], four, ReduceOp.Sum, 0));
                FailAlike("gather receive too small at the root",
                    () => world.Gather<int>(four, new int[11], 0), () => world.GatherAsync<int>(four, new int[11], 0), () => world.Igather<int>(four, new int[11], 0));
                FailAlike("scatter send too small at the root",
                    () => world.Scatter<int>(new int[11], four, 0), () => world.ScatterAsync<int>(new int[11], four, 0), () => world.Iscatter<int>(new int[11], four, 0));
            }

            // No failed call drew a tag or sent a message: the world still works, in every form.
            Assert.Equal(3, world.Allreduce(1, ReduceOp.Sum));
            Assert.Equal(3, world.AllreduceAsync(1, ReduceOp.Sum).GetAwaiter().GetResult());
            world.Ibarrier().Wait();
        });
    }
}
