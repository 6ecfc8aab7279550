#nullable disable
using MPI.Internal;

namespace MPI
{
    /// <summary>Information about a message: who sent it and with which tag (MPI_Status).</summary>
    public class Status
    {
        internal Status(int source, int tag, long byteCount, bool serialized)
        {
            Source = source;
            Tag = tag;
            ByteCount = byteCount;
            IsSerialized = serialized;
        }

        internal Status(Hpc.Status status, bool serialized) : this(status.Source, status.Tag, status.ByteCount, serialized) { }

        /// <summary>The rank of the process that sent the message.</summary>
        public int Source { get; }

        /// <summary>The tag the message was sent with.</summary>
        public int Tag { get; }

        /// <summary>Size of the message on the wire, in bytes (an Hpc addition).</summary>
        public long ByteCount { get; }

        internal bool IsSerialized { get; }

        /// <summary>
        /// Number of elements of <paramref name="type"/> in the message when <paramref name="type"/> is
        /// an unmanaged type (sent as raw data); null for types that travel serialized, whose count is
        /// known only once the message is received.
        /// </summary>
        public int? Count(Type type)
        {
            int? size = RuntimeTypeTraits.UnmanagedSize(type);
            return size is int s && !IsSerialized ? (int)(ByteCount / s) : null;
        }

        /// <summary>Whether the operation was cancelled before it completed (<see cref="Request.Cancel"/>).</summary>
        public virtual bool Cancelled => false;

        /// <inheritdoc />
        public override string ToString() => $"Status(source={Source}, tag={Tag}, bytes={ByteCount})";
    }

    /// <summary>Information about a completed communication: the sender, the tag and the number of elements.</summary>
    public class CompletedStatus : Status
    {
        private readonly bool _cancelled;

        internal CompletedStatus(int source, int tag, long byteCount, int count, bool serialized, bool cancelled = false)
            : base(source, tag, byteCount, serialized)
        {
            _count = count;
            _cancelled = cancelled;
        }

        internal CompletedStatus(Hpc.Status status, int count, bool serialized) : this(status.Source, status.Tag, status.ByteCount, count, serialized) { }

        internal static CompletedStatus CancelledStatus() => new(-1, -1, 0, 0, serialized: false, cancelled: true);

        /// <summary>The number of elements received: 1 for a single value, the array length for an array.</summary>
        public int Count() => _count;

        /// <inheritdoc />
        public override bool Cancelled => _cancelled;

        private readonly int _count;
    }
}
