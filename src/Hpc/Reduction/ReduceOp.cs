using Hpc.Reduction;

namespace Hpc;

/// <summary>
/// How a reduction combines two contributions (MPI_Op): <c>world.Allreduce(gradients, ReduceOp.Sum)</c>.
/// </summary>
/// <remarks>
/// <para>
/// The built-ins (<see cref="Sum"/>, <see cref="Max"/>, …) are not tied to an element type: one
/// <c>ReduceOp.Sum</c> serves int, float and every other primitive, and the matching vectorized
/// kernel (System.Numerics.Tensors) is picked when a collective is called with a concrete
/// <c>T</c>. An operation that makes no sense for the type, such as <see cref="BitAnd"/> on
/// float, raises <see cref="ArgumentException"/> naming the operation and the type. Supported
/// types: byte, sbyte, short, ushort, int, uint, long, ulong, nint, nuint, Half, float, double;
/// the logical operations also take bool; <see cref="MinLoc"/>/<see cref="MaxLoc"/> take
/// <see cref="ValueRank{T}"/> of any of the numeric types.
/// </para>
/// <para>
/// User-defined operations are created for one element type and return <see cref="ReduceOp{T}"/>:
/// from a delegate (<see cref="Create{T}(Func{T, T, T}, bool, string?)"/>, easy) or from a struct
/// implementing <see cref="IReduceOperator{T}"/> (<see cref="Create{T, TOperator}(bool, string?)"/>,
/// inlined by the JIT). An operation may be non-commutative: every algorithm then combines in
/// rank order, x0 ∘ x1 ∘ … ∘ x(n−1). It must be associative.
/// </para>
/// <para>
/// Floating-point Sum and Prod are not associative in rounding, so the result depends on the
/// algorithm and the number of ranks; it is still bit-identical on every rank of one call, which
/// is what keeps replicas of a data-parallel job in step. Min and Max propagate NaN.
/// </para>
/// </remarks>
public abstract class ReduceOp
{
    private protected ReduceOp(string name, bool isCommutative)
    {
        Name = name;
        IsCommutative = isCommutative;
    }

    /// <summary>Name used in messages ("sum", "max", or the name given to <c>Create</c>).</summary>
    public string Name { get; }

    /// <summary>True when operands may be combined in any order; false keeps rank order.</summary>
    public bool IsCommutative { get; }

    /// <summary>Sum (MPI_SUM). Integers wrap on overflow.</summary>
    public static ReduceOp Sum { get; } = new BuiltinReduceOp(BuiltinOperation.Sum);

    /// <summary>Product (MPI_PROD). Integers wrap on overflow.</summary>
    public static ReduceOp Prod { get; } = new BuiltinReduceOp(BuiltinOperation.Prod);

    /// <summary>Minimum (MPI_MIN).</summary>
    public static ReduceOp Min { get; } = new BuiltinReduceOp(BuiltinOperation.Min);

    /// <summary>Maximum (MPI_MAX).</summary>
    public static ReduceOp Max { get; } = new BuiltinReduceOp(BuiltinOperation.Max);

    /// <summary>Bitwise and (MPI_BAND); integer types only.</summary>
    public static ReduceOp BitAnd { get; } = new BuiltinReduceOp(BuiltinOperation.BitAnd);

    /// <summary>Bitwise or (MPI_BOR); integer types only.</summary>
    public static ReduceOp BitOr { get; } = new BuiltinReduceOp(BuiltinOperation.BitOr);

    /// <summary>Bitwise exclusive or (MPI_BXOR); integer types only.</summary>
    public static ReduceOp BitXor { get; } = new BuiltinReduceOp(BuiltinOperation.BitXor);

    /// <summary>Logical and (MPI_LAND): 1 when both operands are non-zero, else 0.</summary>
    public static ReduceOp LogicalAnd { get; } = new BuiltinReduceOp(BuiltinOperation.LogicalAnd);

    /// <summary>Logical or (MPI_LOR): 1 when either operand is non-zero, else 0.</summary>
    public static ReduceOp LogicalOr { get; } = new BuiltinReduceOp(BuiltinOperation.LogicalOr);

    /// <summary>Logical exclusive or (MPI_LXOR): 1 when exactly one operand is non-zero, else 0.</summary>
    public static ReduceOp LogicalXor { get; } = new BuiltinReduceOp(BuiltinOperation.LogicalXor);

    /// <summary>
    /// Smallest value and the rank holding it (MPI_MINLOC), on <see cref="ValueRank{T}"/>
    /// elements; equal values resolve to the lower rank.
    /// </summary>
    public static ReduceOp MinLoc { get; } = new BuiltinReduceOp(BuiltinOperation.MinLoc);

    /// <summary>
    /// Largest value and the rank holding it (MPI_MAXLOC), on <see cref="ValueRank{T}"/>
    /// elements; equal values resolve to the lower rank.
    /// </summary>
    public static ReduceOp MaxLoc { get; } = new BuiltinReduceOp(BuiltinOperation.MaxLoc);

    /// <summary>
    /// A user-defined operation from a delegate (MPI_Op_create). <paramref name="op"/> receives
    /// the lower-rank operand first and must be associative.
    /// </summary>
    /// <param name="op">Combines two values; called once per element.</param>
    /// <param name="commutative">False when operand order matters; the result then follows rank order.</param>
    /// <param name="name">Name for messages; defaults to the delegate's method name.</param>
    public static ReduceOp<T> Create<T>(Func<T, T, T> op, bool commutative = true, string? name = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(op);
        return new ReduceOp<T>(new DelegateKernel<T>(op, name ?? op.Method.Name, commutative));
    }

    /// <summary>
    /// A user-defined operation from a struct operator, called through generic specialization so
    /// the JIT inlines <see cref="IReduceOperator{T}.Apply"/> into the reduction loop.
    /// </summary>
    /// <param name="commutative">False when operand order matters; the result then follows rank order.</param>
    /// <param name="name">Name for messages; defaults to the operator's type name.</param>
    public static ReduceOp<T> Create<T, TOperator>(bool commutative = true, string? name = null)
        where T : unmanaged
        where TOperator : struct, IReduceOperator<T> =>
        Create<T, TOperator>(default, commutative, name);

    /// <summary>
    /// A user-defined operation from a struct operator instance (for operators that carry
    /// parameters, such as a modulus); see <see cref="Create{T, TOperator}(bool, string?)"/>.
    /// </summary>
    public static ReduceOp<T> Create<T, TOperator>(TOperator op, bool commutative = true, string? name = null)
        where T : unmanaged
        where TOperator : struct, IReduceOperator<T> =>
        new(new OperatorKernel<T, TOperator>(op, name ?? typeof(TOperator).Name, commutative));

    /// <summary>The kernel that applies this operation to <typeparamref name="T"/> elements.</summary>
    /// <exception cref="ArgumentException">The operation is not defined for <typeparamref name="T"/>.</exception>
    internal abstract ReduceKernel<T> KernelFor<T>() where T : unmanaged;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// A user-defined reduction for elements of type <typeparamref name="T"/>, made by
/// <see cref="ReduceOp.Create{T}(Func{T, T, T}, bool, string?)"/> or
/// <see cref="ReduceOp.Create{T, TOperator}(bool, string?)"/>. Pass it wherever a
/// <see cref="ReduceOp"/> is expected.
/// </summary>
public sealed class ReduceOp<T> : ReduceOp where T : unmanaged
{
    private readonly ReduceKernel<T> _kernel;

    internal ReduceOp(ReduceKernel<T> kernel) : base(kernel.Name, kernel.IsCommutative) => _kernel = kernel;

    /// <summary>Combines two values the way the collectives do (lower-rank operand first).</summary>
    public T Apply(T left, T right)
    {
        T result = default;
        _kernel.Apply(new ReadOnlySpan<T>(in left), new ReadOnlySpan<T>(in right), new Span<T>(ref result));
        return result;
    }

    internal override ReduceKernel<TData> KernelFor<TData>() =>
        _kernel as ReduceKernel<TData>
        ?? throw new ArgumentException(
            $"reduce operation '{Name}' was created for {TypeNames.Of(typeof(T))} elements but the data is {TypeNames.Of(typeof(TData))}", "op");
}
