namespace Hpc;

/// <summary>
/// Decides what a duplicated communicator gets for an attribute (MPI's copy callback): return true
/// with <paramref name="copy"/> set to give the new communicator a value, false to leave it without.
/// </summary>
/// <param name="source">The communicator being duplicated.</param>
/// <param name="value">Its value for the attribute.</param>
/// <param name="copy">The value the duplicate gets.</param>
public delegate bool AttributeCopier<T>(Communicator source, T value, out T copy);

/// <summary>The untyped part of <see cref="AttributeKey{T}"/>, which communicators store values under.</summary>
public abstract class AttributeKey
{
    private protected AttributeKey(string name) => Name = name;

    /// <summary>A name for messages and diagnostics.</summary>
    public string Name { get; }

    internal abstract bool TryCopy(Communicator source, object? value, out object? copy);

    internal abstract void Delete(Communicator communicator, object? value);

    /// <inheritdoc />
    public override string ToString() => $"attribute key '{Name}'";
}

/// <summary>
/// A key for values a program caches on communicators (an MPI keyval, MPI_Comm_create_keyval):
/// <see cref="Communicator.SetAttribute{T}"/> stores a value under it,
/// <see cref="Communicator.TryGetAttribute{T}"/> reads it back. The key says what happens to the
/// value when the communicator is duplicated (<paramref name="copy"/>, MPI's copy callback) and when
/// the value is replaced, deleted, or its communicator disposed (<paramref name="delete"/>, MPI's
/// delete callback). Libraries use this to keep per-communicator state, such as a private duplicate.
/// </summary>
/// <remarks>
/// With no <paramref name="copy"/> the value is not copied (MPI_COMM_NULL_COPY_FN);
/// <see cref="Duplicate"/> copies it as it is (MPI_COMM_DUP_FN: a reference type is then shared).
/// Values on the world and self communicators live as long as the session; their delete callbacks
/// are not called at finalization.
/// </remarks>
/// <param name="copy">What a duplicate gets; null: nothing.</param>
/// <param name="delete">Called with the old value when it is replaced or deleted, or its communicator disposed; null: nothing.</param>
/// <param name="name">A name for messages.</param>
public sealed class AttributeKey<T>(AttributeCopier<T>? copy = null, Action<Communicator, T>? delete = null, string? name = null)
    : AttributeKey(name ?? typeof(T).Name)
{
    /// <summary>A copier that gives the duplicate the same value (MPI_COMM_DUP_FN).</summary>
    public static AttributeCopier<T> Duplicate { get; } = (Communicator _, T value, out T copy) =>
    {
        copy = value;
        return true;
    };

    internal override bool TryCopy(Communicator source, object? value, out object? copied)
    {
        copied = null;
        if (copy is null || !copy(source, (T)value!, out T result))
            return false;
        copied = result;
        return true;
    }

    internal override void Delete(Communicator communicator, object? value) => delete?.Invoke(communicator, (T)value!);
}
