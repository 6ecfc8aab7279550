using System.Numerics;

namespace Hpc.Reduction;

/// <summary>
/// MPI_LAND / MPI_LOR / MPI_LXOR on numbers: non-zero is true, and the result is 1 or 0 of the
/// same type. TensorPrimitives has no logical operations, so this compares whole
/// <see cref="Vector{T}"/>s against zero and selects 1 or 0 per lane.
/// </summary>
internal sealed class LogicalKernel<T>(BuiltinOperation operation)
    : ReduceKernel<T>(NameOf(operation), isCommutative: true)
    where T : unmanaged, INumberBase<T>
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        ref T l = ref MemoryMarshal.GetReference(left);
        ref T r = ref MemoryMarshal.GetReference(right);
        ref T d = ref MemoryMarshal.GetReference(destination);
        nint length = destination.Length;
        nint i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && length >= Vector<T>.Count)
        {
            Vector<T> zero = Vector<T>.Zero;
            Vector<T> one = Vector<T>.One;
            for (; i <= length - Vector<T>.Count; i += Vector<T>.Count)
            {
                Vector<T> a = ~Vector.Equals(Vector.LoadUnsafe(ref l, (nuint)i), zero);
                Vector<T> b = ~Vector.Equals(Vector.LoadUnsafe(ref r, (nuint)i), zero);
                Vector<T> truth = operation switch
                {
                    BuiltinOperation.LogicalAnd => a & b,
                    BuiltinOperation.LogicalOr => a | b,
                    _ => a ^ b,
                };
                Vector.ConditionalSelect(truth, one, zero).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < length; i++)
        {
            bool a = Unsafe.Add(ref l, i) != T.Zero;
            bool b = Unsafe.Add(ref r, i) != T.Zero;
            Unsafe.Add(ref d, i) = Combine(a, b) ? T.One : T.Zero;
        }
    }

    internal static string NameOf(BuiltinOperation operation) => operation switch
    {
        BuiltinOperation.LogicalAnd => "logical_and",
        BuiltinOperation.LogicalOr => "logical_or",
        _ => "logical_xor",
    };

    private bool Combine(bool a, bool b) => operation switch
    {
        BuiltinOperation.LogicalAnd => a & b,
        BuiltinOperation.LogicalOr => a | b,
        _ => a ^ b,
    };
}

/// <summary>Logical operations on bool, computed on its bytes (any non-zero byte is true).</summary>
internal sealed class BooleanKernel(BuiltinOperation operation) : ReduceKernel<bool>(LogicalKernel<byte>.NameOf(operation), isCommutative: true)
{
    private readonly LogicalKernel<byte> _bytes = new(operation);

    public override void Apply(ReadOnlySpan<bool> left, ReadOnlySpan<bool> right, Span<bool> destination) =>
        _bytes.Apply(MemoryMarshal.AsBytes(left), MemoryMarshal.AsBytes(right), MemoryMarshal.AsBytes(destination));
}
