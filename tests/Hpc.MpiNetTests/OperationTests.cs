using System.Numerics;
using Hpc;
using MPI.Internal;

namespace MpiNetTests;

public class OperationTests
{
    [Fact]
    public void IntegerOperationsFollowC()
    {
        Assert.Equal(5, Operation<int>.Add(2, 3));
        Assert.Equal(-6, Operation<int>.Multiply(2, -3));
        Assert.Equal(-3, Operation<int>.Min(2, -3));
        Assert.Equal(2, Operation<int>.Max(2, -3));
        Assert.Equal(1, Operation<int>.LogicalAnd(4, 2));
        Assert.Equal(0, Operation<int>.LogicalAnd(4, 0));
        Assert.Equal(1, Operation<int>.LogicalOr(0, -1));
        Assert.Equal(0, Operation<int>.LogicalOr(0, 0));
        Assert.Equal(4, Operation<int>.BitwiseAnd(12, 6));
        Assert.Equal(14, Operation<int>.BitwiseOr(12, 6));
        Assert.Equal(10, Operation<int>.ExclusiveOr(12, 6));
    }

    [Fact]
    public void OtherTypesUseTheirOperators()
    {
        Assert.Equal("ab", Operation<string>.Add("a", "b"));
        Assert.Equal(2.5m, Operation<decimal>.Add(1m, 1.5m));
        Assert.Equal(new BigInteger(12), Operation<BigInteger>.Multiply(3, 4));
        Assert.Equal(new Money(5), Operation<Money>.Add(new Money(2), new Money(3)));
        Assert.Equal(new Money(2), Operation<Money>.Min(new Money(2), new Money(3)));
        Assert.Equal(new Money(3), Operation<Money>.Max(new Money(2), new Money(3)));
        Assert.True(Operation<bool>.LogicalAnd(true, true));
        Assert.True(Operation<bool>.ExclusiveOr(true, false));
        Assert.Equal('c', Operation<char>.Max('a', 'c'));
    }

    [Fact]
    public void AMissingOperatorIsAClearError()
    {
        var error = Assert.Throws<ArgumentException>(() => Operation<Money>.Multiply);
        Assert.Contains("Operation<Money>.Multiply is not defined", error.Message);
        Assert.Throws<ArgumentException>(() => Operation<string>.Multiply);
    }

    [Fact]
    public void BuiltinsOnNativeTypesRunAsHpcOperations()
    {
        Assert.Same(ReduceOp.Sum, OperationMap<int>.Builtin(Operation<int>.Add));
        Assert.Same(ReduceOp.Max, OperationMap<double>.Builtin(Operation<double>.Max));
        Assert.Same(ReduceOp.LogicalOr, OperationMap<bool>.Builtin(Operation<bool>.LogicalOr));
        Assert.Same(ReduceOp.BitXor, OperationMap<ulong>.Builtin(Operation<ulong>.ExclusiveOr));
        Assert.Null(OperationMap<decimal>.Builtin(Operation<decimal>.Add));
        Assert.Null(OperationMap<int>.Builtin((a, b) => a + b));
    }

    [Fact]
    public void UserOperationsAreNonCommutative()
    {
        ReduceOp op = UserOperations<int>.Resolve(Subtract);
        Assert.False(op.IsCommutative);
        Assert.Same(op, UserOperations<int>.Resolve(Subtract));
    }

    private static readonly ReductionOperation<int> Subtract = (a, b) => a - b;

    public readonly record struct Money(long Cents)
    {
        public static Money operator +(Money a, Money b) => new(a.Cents + b.Cents);

        public static bool operator <(Money a, Money b) => a.Cents < b.Cents;

        public static bool operator >(Money a, Money b) => a.Cents > b.Cents;
    }
}
