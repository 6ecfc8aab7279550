namespace Hpc;

/// <summary>
/// What a completed receive or a probe learned about a message: who sent it, with which tag,
/// and how large it is (MPI_Status).
/// </summary>
public readonly struct Status : IEquatable<Status>
{
    internal Status(int source, int tag, long byteCount, int elementSize)
    {
        Source = source;
        Tag = tag;
        ByteCount = byteCount;
        ElementSize = elementSize <= 0 ? 1 : elementSize;
    }

    /// <summary>Rank of the sender in the communicator the message travelled on.</summary>
    public int Source { get; }

    /// <summary>Tag the sender attached.</summary>
    public int Tag { get; }

    /// <summary>Size of the message in bytes.</summary>
    public long ByteCount { get; }

    /// <summary>Size of one element of the type used by the call that produced this status.</summary>
    public int ElementSize { get; }

    /// <summary>Number of elements of the call's type in the message (MPI_Get_count).</summary>
    public int Count => (int)(ByteCount / ElementSize);

    /// <summary>Number of <typeparamref name="T"/> elements the message holds.</summary>
    public unsafe long GetCount<T>() where T : unmanaged => ByteCount / sizeof(T);

    /// <inheritdoc />
    public bool Equals(Status other) =>
        Source == other.Source && Tag == other.Tag && ByteCount == other.ByteCount && ElementSize == other.ElementSize;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Status other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Source, Tag, ByteCount, ElementSize);

    /// <summary>Value equality.</summary>
    public static bool operator ==(Status left, Status right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Status left, Status right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => $"Status(source={Source}, tag={Tag}, bytes={ByteCount})";
}
