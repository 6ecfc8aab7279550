using System;
using System.Numerics;
using MPI;

namespace MpiNetRank;

internal static class EnvironmentChecks
{
    public static void Run(Intracommunicator world)
    {
        Check.True(ReferenceEquals(world, Communicator.world), "Run passes Communicator.world");
        Check.True(world.Size >= 1 && world.Rank >= 0 && world.Rank < world.Size, "rank within size");
        Check.Equal(1, Communicator.self.Size, "self.Size");
        Check.Equal(0, Communicator.self.Rank, "self.Rank");
        Check.True(MPI.Environment.Initialized, "Initialized");
        Check.True(!MPI.Environment.Finalized, "not Finalized");
        Check.True(MPI.Environment.IsMainThread, "IsMainThread on the thread that initialized");
        Check.Equal(Threading.Multiple, MPI.Environment.Threading, "Threading");
        Check.True(!string.IsNullOrEmpty(MPI.Environment.ProcessorName), "ProcessorName");
        double t0 = MPI.Environment.Time;
        double t1 = MPI.Environment.Time;
        Check.True(t1 >= t0 && t0 > 0, "Time increases");
        Check.True(MPI.Environment.TimeResolution > 0 && MPI.Environment.TimeResolution < 1e-3, "TimeResolution");
        Check.True(MPI.Environment.MaxTag >= 32767, "MaxTag");
        Check.True(!MPI.Environment.IsTimeGlobal, "IsTimeGlobal");
        Check.True(MPI.Environment.HostRank is null, "HostRank");
        Check.Equal(Communicator.anySource, MPI.Environment.IORank, "IORank: every process can do I/O");

        // A later environment while MPI runs does nothing (MPI.NET); disposing one would finalize,
        // which the "disposal" mode of Program.cs checks, so this one is left open.
        string[] none = null;
        var inner = new MPI.Environment(ref none);
        Check.True(MPI.Environment.Initialized, "Initialized inside a nested environment");
        Check.True(ReferenceEquals(world, Communicator.world), "a nested environment keeps Communicator.world");
        GC.KeepAlive(inner);

        // A nested Run without cleanup leaves MPI running.
        int ranBy = -1;
        MPI.Environment.Run(comm => ranBy = comm.Rank, cleanupEnvironment: false);
        Check.Equal(world.Rank, ranBy, "nested Environment.Run(action, false)");
        Check.True(!MPI.Environment.Finalized, "a nested Run without cleanup does not finalize");
        world.Barrier();
    }
}

internal static class OperationChecks
{
    public static void Run(Intracommunicator world)
    {
        _ = world;
        Check.Equal(5, Operation<int>.Add(2, 3), "int Add");
        Check.Equal(6, Operation<int>.Multiply(2, 3), "int Multiply");
        Check.Equal(2, Operation<int>.Min(2, 3), "int Min");
        Check.Equal(3, Operation<int>.Max(2, 3), "int Max");
        Check.Equal(1, Operation<int>.LogicalAnd(2, 3), "int LogicalAnd");
        Check.Equal(0, Operation<int>.LogicalAnd(2, 0), "int LogicalAnd with zero");
        Check.Equal(1, Operation<int>.LogicalOr(0, 7), "int LogicalOr");
        Check.Equal(2, Operation<int>.BitwiseAnd(6, 3), "int BitwiseAnd");
        Check.Equal(7, Operation<int>.BitwiseOr(6, 3), "int BitwiseOr");
        Check.Equal(5, Operation<int>.ExclusiveOr(6, 3), "int ExclusiveOr");
        Check.Equal((byte)200, Operation<byte>.Add(100, 100), "byte Add");
        Check.Equal(false, Operation<bool>.LogicalAnd(true, false), "bool LogicalAnd");
        Check.Equal(true, Operation<bool>.LogicalOr(true, false), "bool LogicalOr");
        Check.Equal(true, Operation<bool>.ExclusiveOr(true, false), "bool ExclusiveOr");
        Check.Equal(0.5, Operation<double>.Min(0.5, 2.5), "double Min");
        Check.Equal(7.5m, Operation<decimal>.Add(2.5m, 5m), "decimal Add");
        Check.Equal(new BigInteger(6), Operation<BigInteger>.Multiply(2, 3), "BigInteger Multiply");
        Check.Equal("ab", Operation<string>.Add("a", "b"), "string Add concatenates");
        Check.Equal("a", Operation<string>.Min("b", "a"), "string Min");
        Check.Equal(new Vector2(4, 6), Operation<Vector2>.Add(new Vector2(1, 2), new Vector2(3, 4)), "Vector2 Add (operator +)");
        Check.Equal(new Vector2(1, 2), Operation<Vector2>.Min(new Vector2(1, 2), new Vector2(3, 4)), "Vector2 Min (operator <)");
        Check.True(ReferenceEquals(Operation<int>.Add, Operation<int>.Add), "Operation<int>.Add is cached");
        Check.Throws<ArgumentException>(() => _ = Operation<Particle>.Add, "Add on a type without + operator");

        using var wrapped = new Operation<int>(Operation<int>.Add);
        Check.True(ReferenceEquals(global::Hpc.ReduceOp.Sum, wrapped.Op), "Operation<int>.Add runs as Hpc's ReduceOp.Sum");
        using var user = new Operation<int>((a, b) => a + b);
        Check.True(user.Op is null, "a user delegate has no built-in");
    }
}
