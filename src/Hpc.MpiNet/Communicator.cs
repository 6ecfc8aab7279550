#nullable disable
using MPI.Internal;

namespace MPI
{
    /// <summary>
    /// A set of processes that exchange messages (MPI_Comm), with MPI.NET's point-to-point methods.
    /// The collectives are on <see cref="Intracommunicator"/>, the type of <see cref="world"/>,
    /// <see cref="self"/> and every communicator made from them.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every method is generic in <c>T</c> without constraints, as in MPI.NET. An unmanaged
    /// <c>T</c> (a primitive, an enum, a struct of them) travels as raw data through Hpc; any other
    /// type (string, a class, an array of them) is serialized by <see cref="Serialization"/>
    /// (System.Text.Json unless replaced) and travels as bytes. Sender and receiver must use the same
    /// <c>T</c>.
    /// </para>
    /// <para>
    /// Sends of serialized values complete once their header has left (large payloads follow in the
    /// background from the layer's own buffer), so a <see cref="Send{T}(T, int, int)"/> to yourself
    /// or to a process that has only posted an <see cref="ImmediateReceive{T}(int, int)"/> never
    /// deadlocks. Raw sends keep Hpc's semantics: a large one returns once the receiver has matched it.
    /// </para>
    /// </remarks>
    public abstract partial class Communicator : IDisposable, ICloneable
    {
        /// <summary>All the processes of the job (MPI_COMM_WORLD); set by <see cref="Environment"/>.</summary>
        public static Intracommunicator world = null;

        /// <summary>Only the calling process (MPI_COMM_SELF); set by <see cref="Environment"/>.</summary>
        public static Intracommunicator self = null;

        /// <summary>Receive from any process (MPI_ANY_SOURCE).</summary>
        public static readonly int anySource = HpcComm.AnySource;

        /// <summary>Receive with any tag (MPI_ANY_TAG).</summary>
        public static readonly int anyTag = HpcComm.AnyTag;

        /// <summary>Accepted for MPI.NET source compatibility: Hpc sends a serialized object of any size as one payload.</summary>
        public bool SplitLargeObjects = true;

        private readonly bool _predefined;
        private bool _disposed;

        internal Communicator(HpcComm comm, HpcComm shadow, bool predefined)
        {
            Comm = comm;
            Shadow = shadow;
            Channel = new SerializedChannel(comm, shadow);
            _predefined = predefined;
            Attributes = new AttributeSet(comm);
        }

        /// <summary>The values attached to this communicator, indexed by <see cref="Attribute"/>; <see cref="Clone"/> copies them as each attribute's duplication says.</summary>
        public AttributeSet Attributes { get; }

        /// <summary>The Hpc communicator underneath, for mixing MPI.NET-style code with Hpc's API.</summary>
        public HpcComm HpcCommunicator => Comm;

        internal HpcComm Comm { get; }

        internal HpcComm Shadow { get; }

        internal SerializedChannel Channel { get; }

        /// <summary>How values of types that are not unmanaged are serialized on this communicator.</summary>
        public Serialization Serialization { get; } = new();

        /// <summary>Number of processes in the communicator.</summary>
        public int Size => Comm.Size;

        /// <summary>The calling process's rank, 0 … <see cref="Size"/> − 1.</summary>
        public int Rank => Comm.Rank;

        /// <summary>The processes of this communicator as a <see cref="MPI.Group"/> (MPI_Comm_group); local, no communication.</summary>
        public Group Group => new(HpcInternals.WorldRanks(Comm), HpcInternals.SelfWorldRank(Comm));

        // ================================================================== management

        /// <summary>
        /// Partitions the communicator (MPI_Comm_split): processes passing the same
        /// <paramref name="color"/> form a new communicator, ranked by <paramref name="key"/> and then
        /// by their rank here. Collective: every process of this communicator must call it. A process
        /// passing <see cref="Group.NoProcess"/> (MPI_UNDEFINED, an Hpc addition) takes part and gets null.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="color"/> is negative.</exception>
        public Intracommunicator Split(int color, int key)
        {
            if (color < 0 && color != Group.NoProcess)
                throw new ArgumentException($"color value to Communicator.Split must be non-negative (got {color})", nameof(color));
            HpcComm part = Comm.Split(color, key);
            return part is null ? null : Intracommunicator.Wrap(part, predefined: false);
        }

        /// <summary>
        /// A new communicator holding the processes of <paramref name="group"/>, ranked in the group's
        /// order (MPI_Comm_create); null on processes outside the group. Collective: every process of
        /// this communicator must call it with the same group.
        /// </summary>
        /// <exception cref="ArgumentException">The group holds a process that is not in this communicator.</exception>
        public Intracommunicator Create(Group group)
        {
            ArgumentNullException.ThrowIfNull(group);
            int[] members = HpcInternals.WorldRanks(Comm);
            foreach (int worldRank in group.WorldRanks)
            {
                if (Array.IndexOf(members, worldRank) < 0)
                    throw new ArgumentException($"the group holds world rank {worldRank}, which is not in this communicator", nameof(group));
            }
            int index = group.WorldRanks.IndexOf(HpcInternals.SelfWorldRank(Comm));
            HpcComm part = Comm.Split(index >= 0 ? 0 : HpcComm.Undefined, Math.Max(index, 0));
            return part is null ? null : Intracommunicator.Wrap(part, predefined: false);
        }

        /// <summary>
        /// A new communicator with the same processes and its own message space (MPI_Comm_dup), of
        /// the same kind (a grid's clone is a <see cref="CartesianCommunicator"/>), with the
        /// <see cref="Attributes"/> copied as each attribute's duplication says. Collective.
        /// </summary>
        public object Clone() => TopologicalCommunicator.WrapByTopology(Comm.Dup());

        /// <summary>
        /// <see cref="Comparison.Identical"/> for the same communicator, <see cref="Comparison.Congruent"/>
        /// for the same processes in the same order, <see cref="Comparison.Similar"/> for the same
        /// processes in another order, otherwise <see cref="Comparison.Unequal"/> (MPI_Comm_compare).
        /// </summary>
        public Comparison Compare(Communicator other)
        {
            ArgumentNullException.ThrowIfNull(other);
            if (ReferenceEquals(this, other) || ReferenceEquals(Comm, other.Comm))
                return Comparison.Identical;
            return Group.CompareMembers(HpcInternals.WorldRanks(Comm), HpcInternals.WorldRanks(other.Comm), Comparison.Congruent);
        }

        /// <summary>Ends every process of the job with exit code <paramref name="errorcode"/> (MPI_Abort).</summary>
        public void Abort(int errorcode) => Comm.Abort(errorcode);

        /// <summary>
        /// Releases a communicator made by <see cref="Split"/>, <see cref="Create"/> or
        /// <see cref="Clone"/>; <see cref="world"/> and <see cref="self"/> are released at finalization.
        /// </summary>
        public virtual void Dispose()
        {
            if (_predefined || _disposed)
                return;
            _disposed = true;
            Comm.Dispose();
            Shadow.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <inheritdoc />
        public override string ToString() => $"MPI communicator over {Comm}";

        // ================================================================== send

        /// <summary>Sends <paramref name="value"/> to rank <paramref name="dest"/> with <paramref name="tag"/> (MPI_Send).</summary>
        /// <exception cref="System.Runtime.Serialization.SerializationException">The value's type travels serialized and the serializer cannot handle it.</exception>
        public void Send<T>(T value, int dest, int tag)
        {
            if (Blittable<T>.Ops is { } ops)
                ops.Send(Comm, value, dest, tag);
            else
                SendSerialized(value, dest, tag);
        }

        /// <summary>Sends an array to rank <paramref name="dest"/> (MPI_Send); receive it with <see cref="Receive{T}(int, int, ref T[])"/>.</summary>
        public void Send<T>(T[] values, int dest, int tag)
        {
            if (Blittable<T>.Ops is { } ops)
            {
                ArgumentNullException.ThrowIfNull(values);
                ops.Send(Comm, values, dest, tag);
            }
            else
            {
                SendSerialized(values, dest, tag);
            }
        }

        private void SendSerialized<T>(T value, int dest, int tag)
        {
            byte[] bytes = Codec.Serialize(Serialization, value);
            Serialization.SendLogger?.Invoke(bytes.Length, dest);
            Channel.Send(bytes, dest, tag);
        }

        // ================================================================== receive

        /// <summary>Receives a value from <paramref name="source"/> (or <see cref="anySource"/>) with <paramref name="tag"/> (or <see cref="anyTag"/>) (MPI_Recv).</summary>
        public T Receive<T>(int source, int tag)
        {
            Receive(source, tag, out T value);
            return value;
        }

        /// <summary>Receives a value (MPI_Recv).</summary>
        public void Receive<T>(int source, int tag, out T value)
        {
            // No CompletedStatus for a caller that does not take one: a receive allocates nothing.
            if (!TryReceiveUnmanaged(source, tag, out value, out _))
                value = ReceiveSerialized<T>(source, tag, out _, _ => 1);
        }

        /// <summary>Receives a value and reports who sent it with which tag (MPI_Recv).</summary>
        public void Receive<T>(int source, int tag, out T value, out CompletedStatus status)
        {
            if (TryReceiveUnmanaged(source, tag, out value, out HpcStatus received))
                status = new CompletedStatus(received, 1, serialized: false);
            else
                value = ReceiveSerialized<T>(source, tag, out status, _ => 1);
        }

        /// <summary>
        /// Receives an array (MPI_Recv). For an unmanaged element type the data lands in
        /// <paramref name="values"/>, which must be large enough (a null array is allocated to fit, an
        /// Hpc addition); otherwise <paramref name="values"/> is replaced by the array received.
        /// </summary>
        /// <exception cref="MessageTruncatedException">The message holds more elements than <paramref name="values"/>.</exception>
        public void Receive<T>(int source, int tag, ref T[] values)
        {
            if (!TryReceiveUnmanaged(source, tag, ref values, out _))
                values = ReceiveSerialized<T[]>(source, tag, out _, array => array?.Length ?? 0);
        }

        /// <summary>Receives an array and reports the sender, the tag and the number of elements (MPI_Recv).</summary>
        /// <exception cref="MessageTruncatedException">The message holds more elements than <paramref name="values"/>.</exception>
        public void Receive<T>(int source, int tag, ref T[] values, out CompletedStatus status)
        {
            if (TryReceiveUnmanaged(source, tag, ref values, out HpcStatus received))
                status = new CompletedStatus(received, (int)(received.ByteCount / Blittable<T>.Ops!.SizeOf), serialized: false);
            else
                values = ReceiveSerialized<T[]>(source, tag, out status, array => array?.Length ?? 0);
        }

        // The unmanaged receives, raw into the caller's memory; false for a type that travels serialized.
        private bool TryReceiveUnmanaged<T>(int source, int tag, out T value, out HpcStatus received)
        {
            if (Blittable<T>.Ops is not { } ops)
            {
                value = default!;
                received = default;
                return false;
            }
            try
            {
                received = ops.Receive(Comm, source, tag, out value);
                return true;
            }
            catch (HpcTruncated e)
            {
                throw Errors.Truncated(e);
            }
        }

        private bool TryReceiveUnmanaged<T>(int source, int tag, ref T[] values, out HpcStatus received)
        {
            if (Blittable<T>.Ops is not { } ops)
            {
                received = default;
                return false;
            }
            try
            {
                if (values is null)
                    values = ops.ReceiveArray(Comm, source, tag, out received);
                else
                    received = ops.Receive(Comm, source, tag, values);
                return true;
            }
            catch (HpcTruncated e)
            {
                throw Errors.Truncated(e);
            }
        }

        private TValue ReceiveSerialized<TValue>(int source, int tag, out CompletedStatus status, Func<TValue, int> count)
        {
            if (source == HpcComm.ProcNull)
            {
                // MPI_PROC_NULL: nothing arrives, the receive completes at once with count 0.
                status = new CompletedStatus(HpcComm.ProcNull, HpcComm.AnyTag, 0, 0, serialized: true);
                return default;
            }
            byte[] bytes = Channel.Receive(source, tag, out HpcStatus header);
            TValue value = Codec.Deserialize<TValue>(Serialization, bytes, header.Source, header.Tag);
            status = new CompletedStatus(header.Source, header.Tag, Math.Max(header.ByteCount, bytes.Length), count(value), serialized: true);
            return value;
        }

        // ================================================================== non-blocking

        /// <summary>Starts sending <paramref name="value"/> (MPI_Isend); complete the request with Wait or Test.</summary>
        public Request ImmediateSend<T>(T value, int dest, int tag)
        {
            if (Blittable<T>.Ops is { } ops)
                return new SendRequest(ops.Isend(Comm, [value], dest, tag), dest, tag, 1, serialized: false);
            return new SendRequest(StartSerialized(value, dest, tag), dest, tag, 1, serialized: true);
        }

        /// <summary>
        /// Starts sending an array (MPI_Isend). For an unmanaged element type the array is sent in
        /// place: do not change it until the request completes.
        /// </summary>
        public Request ImmediateSend<T>(T[] values, int dest, int tag)
        {
            if (Blittable<T>.Ops is { } ops)
            {
                ArgumentNullException.ThrowIfNull(values);
                return new SendRequest(ops.Isend(Comm, values, dest, tag), dest, tag, values.Length, serialized: false);
            }
            return new SendRequest(StartSerialized(values, dest, tag), dest, tag, values?.Length ?? 0, serialized: true);
        }

        private HpcRequest StartSerialized<TValue>(TValue value, int dest, int tag)
        {
            byte[] bytes = Codec.Serialize(Serialization, value);
            Serialization.SendLogger?.Invoke(bytes.Length, dest);
            return Channel.StartSend(bytes, dest, tag);
        }

        /// <summary>Starts receiving one value (MPI_Irecv); <see cref="ReceiveRequest.GetValue"/> returns it once completed.</summary>
        public ReceiveRequest ImmediateReceive<T>(int source, int tag) => ImmediateReceive<T>(source, tag, (Action<T>)null);

        /// <summary>Starts receiving one value and calls <paramref name="action"/> with it when the request completes (in Wait or Test).</summary>
        public ReceiveRequest ImmediateReceive<T>(int source, int tag, Action<T> action)
        {
            if (Blittable<T>.Ops is not null)
                return new ValueReceiveRequest<T>(Comm, source, tag, action);
            return new SerializedReceiveRequest<T>(this, source, tag, action, null);
        }

        /// <summary>
        /// Starts receiving an array into <paramref name="values"/>, which must be large enough
        /// (MPI_Irecv); the completed status gives the number of elements received.
        /// </summary>
        public ReceiveRequest ImmediateReceive<T>(int source, int tag, T[] values)
        {
            ArgumentNullException.ThrowIfNull(values);
            if (Blittable<T>.Ops is not null)
                return new ArrayReceiveRequest<T>(Comm, source, tag, values);
            return new SerializedReceiveRequest<T[]>(this, source, tag, null, values);
        }

        // ================================================================== probe

        /// <summary>Waits until a message from <paramref name="source"/> with <paramref name="tag"/> can be received, without receiving it (MPI_Probe).</summary>
        public Status Probe(int source, int tag) => new(Comm.Probe(source, tag), serialized: false);

        /// <summary>The status of a message that can be received now, or null when there is none (MPI_Iprobe); never blocks.</summary>
        public Status ImmediateProbe(int source, int tag) =>
            Comm.Iprobe(source, tag, out HpcStatus status) ? new Status(status, serialized: false) : null;

        // ================================================================== barrier

        /// <summary>Waits until every process of the communicator has called Barrier (MPI_Barrier).</summary>
        public virtual void Barrier() => Comm.Barrier();
    }
}
