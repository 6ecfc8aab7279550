using System.Numerics;
using Hpc.Reduction;
using Xunit;

namespace Hpc.Tests.Reduction;

public class ReduceOpTests
{
    // Lengths around vector widths, so both the SIMD body and the scalar tail run.
    private static readonly int[] Lengths = [0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1000];

    [Fact]
    public void BuiltInsMatchScalarArithmeticForEveryIntegerType()
    {
        CheckInteger<byte>();
        CheckInteger<sbyte>();
        CheckInteger<short>();
        CheckInteger<ushort>();
        CheckInteger<int>();
        CheckInteger<uint>();
        CheckInteger<long>();
        CheckInteger<ulong>();
        CheckInteger<nint>();
        CheckInteger<nuint>();
    }

    [Fact]
    public void BuiltInsMatchScalarArithmeticForEveryFloatingPointType()
    {
        CheckFloatingPoint<Half>();
        CheckFloatingPoint<float>();
        CheckFloatingPoint<double>();
    }

    private static void CheckInteger<T>() where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        CheckArithmetic<T>();
        Check<T>(ReduceOp.BitAnd, (a, b) => a & b);
        Check<T>(ReduceOp.BitOr, (a, b) => a | b);
        Check<T>(ReduceOp.BitXor, (a, b) => a ^ b);
    }

    private static void CheckFloatingPoint<T>() where T : unmanaged, IFloatingPointIeee754<T>, IMinMaxValue<T>
    {
        CheckArithmetic<T>();
        foreach (ReduceOp bitwise in new[] { ReduceOp.BitAnd, ReduceOp.BitOr, ReduceOp.BitXor })
        {
            var error = Assert.Throws<ArgumentException>(() => bitwise.KernelFor<T>());
            Assert.Contains($"ReduceOp.{bitwise.Name switch { "bit_and" => "BitAnd", "bit_or" => "BitOr", _ => "BitXor" }} is not defined for", error.Message);
            Assert.Contains("integer", error.Message);
        }
    }

    private static void CheckArithmetic<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        Check<T>(ReduceOp.Sum, (a, b) => unchecked(a + b));
        Check<T>(ReduceOp.Prod, (a, b) => unchecked(a * b));
        Check<T>(ReduceOp.Min, T.Min);
        Check<T>(ReduceOp.Max, T.Max);
        Check<T>(ReduceOp.LogicalAnd, (a, b) => a != T.Zero && b != T.Zero ? T.One : T.Zero);
        Check<T>(ReduceOp.LogicalOr, (a, b) => a != T.Zero || b != T.Zero ? T.One : T.Zero);
        Check<T>(ReduceOp.LogicalXor, (a, b) => (a != T.Zero) ^ (b != T.Zero) ? T.One : T.Zero);
    }

    private static void Check<T>(ReduceOp op, Func<T, T, T> reference) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        ReduceKernel<T> kernel = op.KernelFor<T>();
        var random = new Random(typeof(T).Name.Length * 31 + op.Name.Length);
        foreach (int length in Lengths)
        {
            T[] left = [.. Enumerable.Range(0, length).Select(_ => Sample<T>(random))];
            T[] right = [.. Enumerable.Range(0, length).Select(_ => Sample<T>(random))];
            T[] expected = [.. left.Zip(right, reference)];

            var destination = new T[length];
            kernel.Apply(left, right, destination);
            Assert.True(expected.SequenceEqual(destination), $"{op.Name} on {typeof(T).Name}[{length}]");

            // In place on either side, as the algorithms use it.
            T[] accumulator = [.. left];
            kernel.CombineHigher(accumulator, right);
            Assert.True(expected.SequenceEqual(accumulator), $"{op.Name} on {typeof(T).Name}[{length}] in place (left)");
            accumulator = [.. right];
            kernel.CombineLower(left, accumulator);
            Assert.True(expected.SequenceEqual(accumulator), $"{op.Name} on {typeof(T).Name}[{length}] in place (right)");
        }
    }

    private static T Sample<T>(Random random) where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        // Zeros are common so the logical operations see both truth values.
        if (random.Next(4) == 0)
            return T.Zero;
        return T.CreateTruncating(random.Next(-50, 50));
    }

    [Fact]
    public void LogicalOperationsOnBool()
    {
        bool[] left = [.. Enumerable.Range(0, 70).Select(i => i % 2 == 0)];
        bool[] right = [.. Enumerable.Range(0, 70).Select(i => i % 3 == 0)];
        var destination = new bool[70];
        ReduceOp.LogicalAnd.KernelFor<bool>().Apply(left, right, destination);
        Assert.Equal(left.Zip(right, (a, b) => a && b), destination);
        ReduceOp.LogicalOr.KernelFor<bool>().Apply(left, right, destination);
        Assert.Equal(left.Zip(right, (a, b) => a || b), destination);
        ReduceOp.LogicalXor.KernelFor<bool>().Apply(left, right, destination);
        Assert.Equal(left.Zip(right, (a, b) => a ^ b), destination);
        var error = Assert.Throws<ArgumentException>(() => ReduceOp.Sum.KernelFor<bool>());
        Assert.Contains("ReduceOp.Sum is not defined for bool", error.Message);
    }

    [Fact]
    public void MinLocAndMaxLocPreferTheLowerRankOnTies()
    {
        ValueRank<int>[] left = [new(5, 3), new(1, 0), new(7, 4), new(2, 2)];
        ValueRank<int>[] right = [new(5, 1), new(1, 2), new(3, 0), new(9, 1)];
        var destination = new ValueRank<int>[4];
        ReduceOp.MinLoc.KernelFor<ValueRank<int>>().Apply(left, right, destination);
        Assert.Equal([new(5, 1), new(1, 0), new(3, 0), new(2, 2)], destination);
        ReduceOp.MaxLoc.KernelFor<ValueRank<int>>().Apply(left, right, destination);
        Assert.Equal([new(5, 1), new(1, 0), new(7, 4), new(9, 1)], destination);

        Assert.NotNull(ReduceOp.MaxLoc.KernelFor<ValueRank<Half>>());
        var plain = Assert.Throws<ArgumentException>(() => ReduceOp.MinLoc.KernelFor<double>());
        Assert.Contains("ValueRank<T>", plain.Message);
        var pair = Assert.Throws<ArgumentException>(() => ReduceOp.Sum.KernelFor<ValueRank<double>>());
        Assert.Contains("ReduceOp.Sum is not defined for ValueRank<double>", pair.Message);
    }

    private readonly struct Concatenate : IReduceOperator<long>
    {
        // Appends the decimal digits of right to left: associative, not commutative.
        public long Apply(long left, long right)
        {
            long shift = 10;
            while (shift <= right)
                shift *= 10;
            return left * shift + right;
        }
    }

    private readonly struct AddModulo(int modulus) : IReduceOperator<int>
    {
        public int Apply(int left, int right) => (left + right) % modulus;
    }

    [Fact]
    public void UserOperationsKeepOperandOrderAndTheirFlags()
    {
        ReduceOp<long> structOp = ReduceOp.Create<long, Concatenate>(commutative: false);
        Assert.False(structOp.IsCommutative);
        Assert.Equal("Concatenate", structOp.Name);
        Assert.Equal(12, structOp.Apply(1, 2));

        ReduceOp<long> delegateOp = ReduceOp.Create<long>((a, b) => a * 10 + b, commutative: false, name: "concat");
        Assert.Equal("concat", delegateOp.Name);
        var destination = new long[3];
        delegateOp.KernelFor<long>().Apply([1, 2, 3], [4, 5, 6], destination);
        Assert.Equal([14, 25, 36], destination);

        ReduceOp<int> modulo = ReduceOp.Create<int, AddModulo>(new AddModulo(7));
        Assert.True(modulo.IsCommutative);
        Assert.Equal(1, modulo.Apply(5, 3));

        Assert.True(ReduceOp.Sum.IsCommutative);
        Assert.Equal("sum", ReduceOp.Sum.ToString());
    }

    [Fact]
    public void NonCommutativeUserOperationAcrossRanksFollowsRankOrder()
    {
        // Digits 1..6 concatenated in rank order: any reordering changes the number.
        long[] results = InProcessWorld.Run(6, world => world.Allreduce((long)world.Rank + 1, ReduceOp.Create<long, Concatenate>(commutative: false)));
        Assert.All(results, r => Assert.Equal(123456, r));
        long[] scanned = InProcessWorld.Run(6, world => world.Scan((long)world.Rank + 1, ReduceOp.Create<long, Concatenate>(commutative: false)));
        Assert.Equal([1, 12, 123, 1234, 12345, 123456], scanned);
    }
}
