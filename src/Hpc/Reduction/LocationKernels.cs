using System.Numerics;

namespace Hpc.Reduction;

/// <summary>MPI_MINLOC: the smaller value with its rank; equal values keep the lower rank.</summary>
internal sealed class MinLocKernel<T>() : ReduceKernel<ValueRank<T>>("min_loc", isCommutative: true)
    where T : unmanaged, INumber<T>
{
    public override void Apply(ReadOnlySpan<ValueRank<T>> left, ReadOnlySpan<ValueRank<T>> right, Span<ValueRank<T>> destination)
    {
        CheckLengths(left, right, destination);
        for (int i = 0; i < destination.Length; i++)
        {
            ValueRank<T> a = left[i];
            ValueRank<T> b = right[i];
            destination[i] = b.Value < a.Value || (b.Value == a.Value && b.Rank < a.Rank) ? b : a;
        }
    }
}

/// <summary>MPI_MAXLOC: the larger value with its rank; equal values keep the lower rank.</summary>
internal sealed class MaxLocKernel<T>() : ReduceKernel<ValueRank<T>>("max_loc", isCommutative: true)
    where T : unmanaged, INumber<T>
{
    public override void Apply(ReadOnlySpan<ValueRank<T>> left, ReadOnlySpan<ValueRank<T>> right, Span<ValueRank<T>> destination)
    {
        CheckLengths(left, right, destination);
        for (int i = 0; i < destination.Length; i++)
        {
            ValueRank<T> a = left[i];
            ValueRank<T> b = right[i];
            destination[i] = b.Value > a.Value || (b.Value == a.Value && b.Rank < a.Rank) ? b : a;
        }
    }
}
