using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Hpc;

namespace MPI.Internal;

/// <summary>
/// Maps an MPI.NET reduction delegate to the Hpc operation the collectives run: a vectorized
/// built-in when the delegate is one of <see cref="Operation{T}"/>'s and Hpc reduces T natively.
/// </summary>
internal static class OperationMap<T>
{
    private static readonly bool s_isFloat = typeof(T) == typeof(Half) || typeof(T) == typeof(float) || typeof(T) == typeof(double);

    private static readonly bool s_isInteger =
        typeof(T) == typeof(byte) || typeof(T) == typeof(sbyte) || typeof(T) == typeof(short) || typeof(T) == typeof(ushort)
        || typeof(T) == typeof(int) || typeof(T) == typeof(uint) || typeof(T) == typeof(long) || typeof(T) == typeof(ulong)
        || typeof(T) == typeof(nint) || typeof(T) == typeof(nuint);

    /// <summary>The Hpc built-in for <paramref name="op"/>, or null when the delegate must be called.</summary>
    public static ReduceOp? Builtin(ReductionOperation<T>? op)
    {
        if (op is null)
            return null;
        return Operation<T>.KindOf(op) switch
        {
            BuiltinKind.Add when s_isInteger || s_isFloat => ReduceOp.Sum,
            BuiltinKind.Multiply when s_isInteger || s_isFloat => ReduceOp.Prod,
            BuiltinKind.Min when s_isInteger || s_isFloat => ReduceOp.Min,
            BuiltinKind.Max when s_isInteger || s_isFloat => ReduceOp.Max,
            BuiltinKind.LogicalAnd when s_isInteger || typeof(T) == typeof(bool) => ReduceOp.LogicalAnd,
            BuiltinKind.LogicalOr when s_isInteger || typeof(T) == typeof(bool) => ReduceOp.LogicalOr,
            BuiltinKind.BitwiseAnd when s_isInteger => ReduceOp.BitAnd,
            BuiltinKind.BitwiseOr when s_isInteger => ReduceOp.BitOr,
            BuiltinKind.ExclusiveOr when s_isInteger => ReduceOp.BitXor,
            _ => null,
        };
    }
}

/// <summary>
/// User reduction delegates on unmanaged types become Hpc user operations, created once per
/// delegate. They are registered as non-commutative, as MPI.NET registered them with MPI, so
/// every collective combines in rank order whatever the operation.
/// </summary>
internal static class UserOperations<T> where T : unmanaged
{
    // Delegates by instance; a static method passed as a method group (a new delegate on every
    // call, e.g. comm.Allreduce(x, AddInts)) by its method.
    private static readonly ConditionalWeakTable<ReductionOperation<T>, ReduceOp<T>> s_byDelegate = new();
    private static readonly ConcurrentDictionary<MethodInfo, ReduceOp<T>> s_byStaticMethod = new();

    public static ReduceOp Resolve(ReductionOperation<T> op)
    {
        ArgumentNullException.ThrowIfNull(op);
        if (OperationMap<T>.Builtin(op) is { } builtin)
            return builtin;
        if (op.Target is null && op.HasSingleTarget)
            return s_byStaticMethod.GetOrAdd(op.Method, static (_, o) => Create(o), op);
        return s_byDelegate.GetValue(op, Create);
    }

    private static ReduceOp<T> Create(ReductionOperation<T> op) =>
        ReduceOp.Create<T>(new Func<T, T, T>(op), commutative: false, name: op.Method.Name);
}
