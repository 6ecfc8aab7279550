namespace Hpc.Reduction;

/// <summary>The predefined operations; each resolves to a kernel per element type on first use.</summary>
internal enum BuiltinOperation
{
    Sum,
    Prod,
    Min,
    Max,
    BitAnd,
    BitOr,
    BitXor,
    LogicalAnd,
    LogicalOr,
    LogicalXor,
    MinLoc,
    MaxLoc,
}

/// <summary>
/// A predefined operation (ReduceOp.Sum, …). It is type-agnostic, so the kernel is looked up
/// per element type at call time and cached in a static generic class, one slot per operation.
/// </summary>
internal sealed class BuiltinReduceOp(BuiltinOperation operation) : ReduceOp(NameOf(operation), isCommutative: true)
{
    public BuiltinOperation Operation { get; } = operation;

    internal override ReduceKernel<T> KernelFor<T>()
    {
        ReduceKernel<T>?[] cache = KernelCache<T>.Kernels;
        ReduceKernel<T>? kernel = Volatile.Read(ref cache[(int)Operation]);
        if (kernel is null)
        {
            kernel = BuiltinKernels.Create<T>(Operation) ?? throw Unsupported(typeof(T));
            Volatile.Write(ref cache[(int)Operation], kernel);
        }
        return kernel;
    }

    private ArgumentException Unsupported(Type type)
    {
        string typeName = TypeNames.Of(type);
        string why = Operation switch
        {
            BuiltinOperation.BitAnd or BuiltinOperation.BitOr or BuiltinOperation.BitXor when TypeNames.IsFloatingPoint(type) =>
                "bitwise operations need an integer type",
            BuiltinOperation.MinLoc or BuiltinOperation.MaxLoc =>
                "it needs ValueRank<T> elements of a primitive numeric type",
            _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueRank<>) =>
                "ValueRank<T> elements take only MinLoc and MaxLoc",
            _ => "supported: byte, sbyte, short, ushort, int, uint, long, ulong, nint, nuint, Half, float, double (and bool for logical operations)",
        };
        return new ArgumentException($"ReduceOp.{Operation} is not defined for {typeName}: {why}", "op");
    }

    private static string NameOf(BuiltinOperation operation) => operation switch
    {
        BuiltinOperation.Sum => "sum",
        BuiltinOperation.Prod => "prod",
        BuiltinOperation.Min => "min",
        BuiltinOperation.Max => "max",
        BuiltinOperation.BitAnd => "bit_and",
        BuiltinOperation.BitOr => "bit_or",
        BuiltinOperation.BitXor => "bit_xor",
        BuiltinOperation.LogicalAnd => "logical_and",
        BuiltinOperation.LogicalOr => "logical_or",
        BuiltinOperation.LogicalXor => "logical_xor",
        BuiltinOperation.MinLoc => "min_loc",
        BuiltinOperation.MaxLoc => "max_loc",
        _ => operation.ToString(),
    };

    private static class KernelCache<T> where T : unmanaged
    {
        public static readonly ReduceKernel<T>?[] Kernels = new ReduceKernel<T>?[Enum.GetValues<BuiltinOperation>().Length];
    }
}
