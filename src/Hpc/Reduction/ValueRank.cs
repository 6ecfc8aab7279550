namespace Hpc;

/// <summary>
/// A value paired with the rank that owns it, the element type of <see cref="ReduceOp.MinLoc"/>
/// and <see cref="ReduceOp.MaxLoc"/> (MPI_DOUBLE_INT, MPI_2INT, …). Equal values resolve to the
/// lower rank, as in MPI.
/// </summary>
/// <typeparam name="T">A primitive numeric type (byte … double, Half).</typeparam>
[StructLayout(LayoutKind.Sequential)]
public struct ValueRank<T> : IEquatable<ValueRank<T>> where T : unmanaged
{
    /// <summary>Pairs <paramref name="value"/> with <paramref name="rank"/>.</summary>
    public ValueRank(T value, int rank)
    {
        Value = value;
        Rank = rank;
    }

    /// <summary>The value compared by MinLoc/MaxLoc.</summary>
    public T Value;

    /// <summary>The rank (or any index) the value belongs to.</summary>
    public int Rank;

    /// <inheritdoc />
    public readonly bool Equals(ValueRank<T> other) => EqualityComparer<T>.Default.Equals(Value, other.Value) && Rank == other.Rank;

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is ValueRank<T> other && Equals(other);

    /// <inheritdoc />
    public override readonly int GetHashCode() => HashCode.Combine(Value, Rank);

    /// <summary>Value equality.</summary>
    public static bool operator ==(ValueRank<T> left, ValueRank<T> right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(ValueRank<T> left, ValueRank<T> right) => !left.Equals(right);

    /// <inheritdoc />
    public override readonly string ToString() => $"({Value}, rank {Rank})";
}
