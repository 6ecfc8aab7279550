using System.Numerics;
using System.Numerics.Tensors;

namespace Hpc.Reduction;

/// <summary>
/// Maps (built-in operation, element type) to a vectorized kernel. The type tests are JIT-time
/// constants in each instantiation of <see cref="Create{T}"/>, so only the matching branch
/// survives; returning null means the operation is not defined for the type.
/// </summary>
internal static class BuiltinKernels
{
    public static ReduceKernel<T>? Create<T>(BuiltinOperation op) where T : unmanaged
    {
        object? kernel =
            typeof(T) == typeof(byte) ? Integer<byte>(op) :
            typeof(T) == typeof(sbyte) ? Integer<sbyte>(op) :
            typeof(T) == typeof(short) ? Integer<short>(op) :
            typeof(T) == typeof(ushort) ? Integer<ushort>(op) :
            typeof(T) == typeof(int) ? Integer<int>(op) :
            typeof(T) == typeof(uint) ? Integer<uint>(op) :
            typeof(T) == typeof(long) ? Integer<long>(op) :
            typeof(T) == typeof(ulong) ? Integer<ulong>(op) :
            typeof(T) == typeof(nint) ? Integer<nint>(op) :
            typeof(T) == typeof(nuint) ? Integer<nuint>(op) :
            typeof(T) == typeof(Half) ? FloatingPoint<Half>(op) :
            typeof(T) == typeof(float) ? FloatingPoint<float>(op) :
            typeof(T) == typeof(double) ? FloatingPoint<double>(op) :
            typeof(T) == typeof(bool) ? Boolean(op) :
            typeof(T) == typeof(ValueRank<byte>) ? Location<byte>(op) :
            typeof(T) == typeof(ValueRank<sbyte>) ? Location<sbyte>(op) :
            typeof(T) == typeof(ValueRank<short>) ? Location<short>(op) :
            typeof(T) == typeof(ValueRank<ushort>) ? Location<ushort>(op) :
            typeof(T) == typeof(ValueRank<int>) ? Location<int>(op) :
            typeof(T) == typeof(ValueRank<uint>) ? Location<uint>(op) :
            typeof(T) == typeof(ValueRank<long>) ? Location<long>(op) :
            typeof(T) == typeof(ValueRank<ulong>) ? Location<ulong>(op) :
            typeof(T) == typeof(ValueRank<nint>) ? Location<nint>(op) :
            typeof(T) == typeof(ValueRank<nuint>) ? Location<nuint>(op) :
            typeof(T) == typeof(ValueRank<Half>) ? Location<Half>(op) :
            typeof(T) == typeof(ValueRank<float>) ? Location<float>(op) :
            typeof(T) == typeof(ValueRank<double>) ? Location<double>(op) :
            null;
        return (ReduceKernel<T>?)kernel;
    }

    private static object? Integer<T>(BuiltinOperation op) where T : unmanaged, IBinaryInteger<T> => op switch
    {
        BuiltinOperation.Sum => new SumKernel<T>(),
        BuiltinOperation.Prod => new ProductKernel<T>(),
        BuiltinOperation.Min => new MinKernel<T>(),
        BuiltinOperation.Max => new MaxKernel<T>(),
        BuiltinOperation.BitAnd => new BitAndKernel<T>(),
        BuiltinOperation.BitOr => new BitOrKernel<T>(),
        BuiltinOperation.BitXor => new BitXorKernel<T>(),
        BuiltinOperation.LogicalAnd or BuiltinOperation.LogicalOr or BuiltinOperation.LogicalXor => new LogicalKernel<T>(op),
        _ => null,
    };

    private static object? FloatingPoint<T>(BuiltinOperation op) where T : unmanaged, IFloatingPointIeee754<T> => op switch
    {
        BuiltinOperation.Sum => new SumKernel<T>(),
        BuiltinOperation.Prod => new ProductKernel<T>(),
        BuiltinOperation.Min => new MinKernel<T>(),
        BuiltinOperation.Max => new MaxKernel<T>(),
        BuiltinOperation.LogicalAnd or BuiltinOperation.LogicalOr or BuiltinOperation.LogicalXor => new LogicalKernel<T>(op),
        _ => null,
    };

    private static object? Boolean(BuiltinOperation op) => op switch
    {
        BuiltinOperation.LogicalAnd or BuiltinOperation.LogicalOr or BuiltinOperation.LogicalXor => new BooleanKernel(op),
        _ => null,
    };

    private static object? Location<T>(BuiltinOperation op) where T : unmanaged, INumber<T> => op switch
    {
        BuiltinOperation.MinLoc => new MinLocKernel<T>(),
        BuiltinOperation.MaxLoc => new MaxLocKernel<T>(),
        _ => null,
    };
}

internal sealed class SumKernel<T>() : ReduceKernel<T>("sum", isCommutative: true)
    where T : unmanaged, IAdditionOperators<T, T, T>, IAdditiveIdentity<T, T>
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        TensorPrimitives.Add(left, right, destination);
    }
}

internal sealed class ProductKernel<T>() : ReduceKernel<T>("prod", isCommutative: true)
    where T : unmanaged, IMultiplyOperators<T, T, T>, IMultiplicativeIdentity<T, T>
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        TensorPrimitives.Multiply(left, right, destination);
    }
}

internal sealed class MinKernel<T>() : ReduceKernel<T>("min", isCommutative: true) where T : unmanaged, INumber<T>
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        TensorPrimitives.Min(left, right, destination);
    }
}

internal sealed class MaxKernel<T>() : ReduceKernel<T>("max", isCommutative: true) where T : unmanaged, INumber<T>
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        TensorPrimitives.Max(left, right, destination);
    }
}

internal sealed class BitAndKernel<T>() : ReduceKernel<T>("bit_and", isCommutative: true)
    where T : unmanaged, IBitwiseOperators<T, T, T>
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        TensorPrimitives.BitwiseAnd(left, right, destination);
    }
}

internal sealed class BitOrKernel<T>() : ReduceKernel<T>("bit_or", isCommutative: true)
    where T : unmanaged, IBitwiseOperators<T, T, T>
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        TensorPrimitives.BitwiseOr(left, right, destination);
    }
}

internal sealed class BitXorKernel<T>() : ReduceKernel<T>("bit_xor", isCommutative: true)
    where T : unmanaged, IBitwiseOperators<T, T, T>
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        TensorPrimitives.Xor(left, right, destination);
    }
}
