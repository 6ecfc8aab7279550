using System.Numerics;

namespace Hpc.Reduction;

/// <summary>MPI_MINLOC: the smaller value with its rank; equal values keep the lower rank.</summary>
internal sealed class MinLocKernel<T>() : LocationKernel<T, SmallerWins<T>>("min_loc")
    where T : unmanaged, INumber<T>;

/// <summary>MPI_MAXLOC: the larger value with its rank; equal values keep the lower rank.</summary>
internal sealed class MaxLocKernel<T>() : LocationKernel<T, LargerWins<T>>("max_loc")
    where T : unmanaged, INumber<T>;

/// <summary>
/// The one loop of MINLOC and MAXLOC: per element, the (value, rank) pair whose value
/// <typeparamref name="TOrder"/> prefers, the lower rank on a tie (MPI's rule, which also makes
/// the operation commutative). <typeparamref name="TOrder"/> is a struct with a static method,
/// so the JIT compiles one loop per order with the comparison inlined, as if written out twice.
/// </summary>
internal abstract class LocationKernel<T, TOrder>(string name) : ReduceKernel<ValueRank<T>>(name, isCommutative: true)
    where T : unmanaged, INumber<T>
    where TOrder : struct, IValueOrder<T>
{
    public sealed override void Apply(ReadOnlySpan<ValueRank<T>> left, ReadOnlySpan<ValueRank<T>> right, Span<ValueRank<T>> destination)
    {
        CheckLengths(left, right, destination);
        for (int i = 0; i < destination.Length; i++)
        {
            ValueRank<T> a = left[i];
            ValueRank<T> b = right[i];
            destination[i] = TOrder.Prefers(b.Value, a.Value) || (b.Value == a.Value && b.Rank < a.Rank) ? b : a;
        }
    }
}

/// <summary>Which of two values a location reduction keeps.</summary>
internal interface IValueOrder<T>
{
    /// <summary>True when <paramref name="candidate"/> beats <paramref name="current"/> outright (not on a tie).</summary>
    static abstract bool Prefers(T candidate, T current);
}

/// <summary>MINLOC's order.</summary>
internal readonly struct SmallerWins<T> : IValueOrder<T> where T : INumber<T>
{
    public static bool Prefers(T candidate, T current) => candidate < current;
}

/// <summary>MAXLOC's order.</summary>
internal readonly struct LargerWins<T> : IValueOrder<T> where T : INumber<T>
{
    public static bool Prefers(T candidate, T current) => candidate > current;
}
