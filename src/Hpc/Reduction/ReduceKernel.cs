namespace Hpc.Reduction;

/// <summary>
/// Applies one reduction operation to spans of <typeparamref name="T"/>; what the collective
/// algorithms call. Operand order is explicit so non-commutative operations keep rank order:
/// the left operand always covers lower ranks than the right one.
/// </summary>
internal abstract class ReduceKernel<T>(string name, bool isCommutative) where T : unmanaged
{
    public string Name { get; } = name;

    public bool IsCommutative { get; } = isCommutative;

    /// <summary>
    /// <c>destination[i] = left[i] ∘ right[i]</c>. <paramref name="destination"/> may be
    /// <paramref name="left"/> or <paramref name="right"/> itself, but must not partially
    /// overlap either. All three spans have the same length.
    /// </summary>
    public abstract void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination);

    /// <summary><c>accumulator = accumulator ∘ fromHigherRanks</c>.</summary>
    public void CombineHigher(Span<T> accumulator, ReadOnlySpan<T> fromHigherRanks) =>
        Apply(accumulator, fromHigherRanks, accumulator);

    /// <summary><c>accumulator = fromLowerRanks ∘ accumulator</c>.</summary>
    public void CombineLower(ReadOnlySpan<T> fromLowerRanks, Span<T> accumulator) =>
        Apply(fromLowerRanks, accumulator, accumulator);

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>Throws unless the three spans have one length (a bug in an algorithm, not user input).</summary>
    protected static void CheckLengths(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        if (left.Length != right.Length || destination.Length != left.Length)
            throw new InvalidOperationException($"reduction over spans of different lengths ({left.Length}, {right.Length} → {destination.Length})");
    }
}

/// <summary>
/// A user operator struct, called through generic specialization: for a struct
/// <typeparamref name="TOperator"/> the JIT compiles this loop once per operator type and
/// inlines <see cref="IReduceOperator{T}.Apply"/>, with no indirect call per element.
/// </summary>
internal sealed class OperatorKernel<T, TOperator>(TOperator op, string name, bool isCommutative)
    : ReduceKernel<T>(name, isCommutative)
    where T : unmanaged
    where TOperator : struct, IReduceOperator<T>
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        TOperator local = op;
        ref T l = ref MemoryMarshal.GetReference(left);
        ref T r = ref MemoryMarshal.GetReference(right);
        ref T d = ref MemoryMarshal.GetReference(destination);
        for (nint i = 0; i < destination.Length; i++)
            Unsafe.Add(ref d, i) = local.Apply(Unsafe.Add(ref l, i), Unsafe.Add(ref r, i));
    }
}

/// <summary>A user operation given as a delegate: one indirect call per element.</summary>
internal sealed class DelegateKernel<T>(Func<T, T, T> op, string name, bool isCommutative)
    : ReduceKernel<T>(name, isCommutative)
    where T : unmanaged
{
    public override void Apply(ReadOnlySpan<T> left, ReadOnlySpan<T> right, Span<T> destination)
    {
        CheckLengths(left, right, destination);
        for (int i = 0; i < destination.Length; i++)
            destination[i] = op(left[i], right[i]);
    }
}
