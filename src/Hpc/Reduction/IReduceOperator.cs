namespace Hpc;

/// <summary>
/// A user-defined reduction written as a struct, so the runtime can call it through generic
/// specialization: the JIT compiles one loop per operator type and inlines
/// <see cref="Apply"/> into it, with no delegate or interface call per element.
/// Register it with <see cref="ReduceOp.Create{T, TOperator}(bool, string?)"/>.
/// </summary>
/// <typeparam name="T">The element type the operator combines.</typeparam>
/// <example>
/// <code>
/// readonly struct MatrixProduct : IReduceOperator&lt;Matrix2&gt;
/// {
///     public Matrix2 Apply(Matrix2 left, Matrix2 right) => left * right;
/// }
/// ReduceOp product = ReduceOp.Create&lt;Matrix2, MatrixProduct&gt;(commutative: false);
/// </code>
/// </example>
public interface IReduceOperator<T>
{
    /// <summary>
    /// Combines two values: <paramref name="left"/> always comes from lower ranks than
    /// <paramref name="right"/>. Must be associative; it need not be commutative.
    /// </summary>
    T Apply(T left, T right);
}
