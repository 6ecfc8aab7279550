#nullable disable
using Hpc;

namespace MPI
{
    /// <summary>What happens to an attribute's value when its communicator is cloned (<see cref="Communicator.Clone"/>).</summary>
    public enum AttributeDuplication
    {
        /// <summary>The clone does not get the value.</summary>
        None,

        /// <summary>
        /// The clone gets the same value: the same object for a class, a copy for a value type of
        /// pointer size or less; a larger value type is shared, so setting it on one communicator
        /// changes it on the other (as in MPI.NET).
        /// </summary>
        Shallow,

        /// <summary>The clone gets its own copy: a copy of a value type, <see cref="ICloneable.Clone"/> of a class.</summary>
        Deep,
    }

    /// <summary>
    /// A key for values cached on communicators (an MPI keyval): index
    /// <see cref="Communicator.Attributes"/> with it to set, read or remove the value. Create one
    /// with <see cref="Create{T}"/>; the duplication policy says what a cloned communicator gets.
    /// </summary>
    /// <remarks>Built on Hpc's <see cref="AttributeKey{T}"/>: the values live on the Hpc communicator underneath, whose Dup runs the copy.</remarks>
    public class Attribute : IDisposable
    {
        /// <summary>How the value is transferred when a communicator is cloned.</summary>
        public readonly AttributeDuplication Duplication;

        private readonly bool _sharedSlot;

        internal Attribute(AttributeDuplication duplication, Type valueType, bool isLargeValue)
        {
            Duplication = duplication;
            ValueType = valueType;
            // Only a large value type with shallow duplication shares one slot between a
            // communicator and its clones: MPI.NET keeps such values in one heap box it updates in place.
            _sharedSlot = duplication == AttributeDuplication.Shallow && valueType.IsValueType && isLargeValue;
            Key = new AttributeKey<Slot>(CopierFor(duplication, valueType, _sharedSlot), name: $"{valueType.Name} ({duplication})");
        }

        internal Type ValueType { get; }

        internal AttributeKey<Slot> Key { get; }

        internal bool SharesSlot => _sharedSlot;

        /// <summary>Creates an attribute for values of type <typeparamref name="T"/> with the given duplication policy.</summary>
        public static Attribute Create<T>(AttributeDuplication duplication)
        {
            if (!Enum.IsDefined(duplication))
                throw new ArgumentOutOfRangeException(nameof(duplication), duplication, "duplication must be None, Shallow or Deep");
            bool large = typeof(T).IsValueType && System.Runtime.CompilerServices.Unsafe.SizeOf<T>() > IntPtr.Size;
            return new Attribute(duplication, typeof(T), large);
        }

        /// <summary>Releases the attribute; nothing to release in Hpc.MpiNet (kept for MPI.NET compatibility).</summary>
        public virtual void Dispose() => GC.SuppressFinalize(this);

        private static AttributeCopier<Slot> CopierFor(AttributeDuplication duplication, Type valueType, bool shared)
        {
            switch (duplication)
            {
                case AttributeDuplication.None:
                    return null;
                case AttributeDuplication.Shallow when shared:
                    return AttributeKey<Slot>.Duplicate;
                case AttributeDuplication.Deep when !valueType.IsValueType:
                    return (Hpc.Communicator _, Slot slot, out Slot copy) =>
                    {
                        copy = new Slot(slot.Value switch
                        {
                            null => null,
                            ICloneable cloneable => cloneable.Clone(),
                            var other => throw new InvalidOperationException($"an attribute with Deep duplication holds a {other.GetType().Name}, which is not ICloneable; Clone cannot copy it"),
                        });
                        return true;
                    };
                default:
                    // A boxed value is never changed in place (setting stores a new box), so a new
                    // slot with the same box is a copy of the value.
                    return (Hpc.Communicator _, Slot slot, out Slot copy) =>
                    {
                        copy = new Slot(slot.Value);
                        return true;
                    };
            }
        }
    }

    /// <summary>One communicator's cell for an attribute's value; shared between clones only for <see cref="Attribute.SharesSlot"/>.</summary>
    internal sealed class Slot(object value)
    {
        public object Value = value;
    }

    /// <summary>The attributes attached to one communicator: <c>comm.Attributes[attribute]</c>.</summary>
    public sealed class AttributeSet
    {
        private readonly Hpc.Communicator _comm;

        internal AttributeSet(Hpc.Communicator comm) => _comm = comm;

        /// <summary>The value of <paramref name="attribute"/> on this communicator, or null when it has none; setting it stores a value.</summary>
        /// <exception cref="ArgumentException">The value is not of the attribute's type.</exception>
        public object this[Attribute attribute]
        {
            get
            {
                ArgumentNullException.ThrowIfNull(attribute);
                return _comm.TryGetAttribute(attribute.Key, out Slot slot) ? slot.Value : null;
            }
            set
            {
                ArgumentNullException.ThrowIfNull(attribute);
                if (value is not null && !attribute.ValueType.IsInstanceOfType(value))
                    throw new ArgumentException($"the attribute holds {attribute.ValueType.Name} values, not {value.GetType().Name}", nameof(value));
                if (attribute.SharesSlot && _comm.TryGetAttribute(attribute.Key, out Slot slot))
                    slot.Value = value;
                else
                    _comm.SetAttribute(attribute.Key, new Slot(value));
            }
        }

        /// <summary>Removes <paramref name="attribute"/>'s value from this communicator; nothing happens when it has none.</summary>
        public void Remove(Attribute attribute)
        {
            ArgumentNullException.ThrowIfNull(attribute);
            _comm.DeleteAttribute(attribute.Key);
        }
    }
}
