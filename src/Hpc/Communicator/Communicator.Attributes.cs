namespace Hpc;

// Attributes (MPI_Comm_set_attr, MPI_Comm_get_attr, MPI_Comm_delete_attr): values cached on this
// rank's communicator object under an AttributeKey. They are local: setting one talks to no
// other rank. Dup copies them through each key's copier; Dispose deletes them through each key's
// delete callback. Callbacks run outside the lock, so one may use the communicator's attributes.
public sealed partial class Communicator
{
    private readonly Lock _attributeLock = new();
    private Dictionary<AttributeKey, object?>? _attributes;

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> on this communicator
    /// (MPI_Comm_set_attr); a value already there is first passed to the key's delete callback.
    /// </summary>
    public void SetAttribute<T>(AttributeKey<T> key, T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckUsable();
        bool had;
        object? old;
        lock (_attributeLock)
        {
            _attributes ??= [];
            had = _attributes.TryGetValue(key, out old);
            _attributes[key] = value;
        }
        if (had)
            key.Delete(this, old);
    }

    /// <summary>The value stored under <paramref name="key"/>, if any (MPI_Comm_get_attr).</summary>
    public bool TryGetAttribute<T>(AttributeKey<T> key, out T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_attributeLock)
        {
            if (_attributes is not null && _attributes.TryGetValue(key, out object? stored))
            {
                value = (T)stored!;
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>
    /// Removes the value under <paramref name="key"/>, passing it to the key's delete callback
    /// (MPI_Comm_delete_attr). Returns false, and does nothing, when there is none.
    /// </summary>
    public bool DeleteAttribute<T>(AttributeKey<T> key)
    {
        ArgumentNullException.ThrowIfNull(key);
        object? old;
        lock (_attributeLock)
        {
            if (_attributes is null || !_attributes.Remove(key, out old))
                return false;
        }
        key.Delete(this, old);
        return true;
    }

    private void CopyAttributesInto(Communicator dup)
    {
        KeyValuePair<AttributeKey, object?>[] all;
        lock (_attributeLock)
        {
            if (_attributes is null || _attributes.Count == 0)
                return;
            all = [.. _attributes];
        }
        foreach ((AttributeKey key, object? value) in all)
        {
            if (key.TryCopy(this, value, out object? copy))
            {
                dup._attributes ??= [];
                dup._attributes[key] = copy;
            }
        }
    }

    /// <summary>Runs every attribute's delete callback as the communicator is released (MPI_Comm_free).</summary>
    private void DeleteAllAttributes()
    {
        KeyValuePair<AttributeKey, object?>[] all;
        lock (_attributeLock)
        {
            if (_attributes is null || _attributes.Count == 0)
                return;
            all = [.. _attributes];
            _attributes.Clear();
        }
        foreach ((AttributeKey key, object? value) in all)
            key.Delete(this, value);
    }
}
