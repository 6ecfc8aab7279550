using Hpc.Serialization;

namespace Hpc.Tasks.Wire;

/// <summary>
/// How one argument or result of type <typeparamref name="T"/> travels. Chosen once per type:
/// <list type="bullet">
/// <item>an unmanaged type (int, double, a struct of them, a tuple of them): its raw bytes, a
/// chunk's values written and read as one block (<see cref="IsFixed"/>);</item>
/// <item>a one-dimensional array of an unmanaged type: its length and raw bytes, and above
/// <see cref="OutOfLineBytes"/> as a separate message sent straight from the array, so a large
/// array is never copied into a message buffer;</item>
/// <item>anything else: System.Text.Json with the options of the MPI.NET layer (ObjectJson).</item>
/// </list>
/// </summary>
internal abstract class TaskCodec<T>
{
    /// <summary>Arrays this large or larger go as their own message, not copied into the chunk.</summary>
    public const int OutOfLineBytes = 64 << 10;

    protected const int NullEntry = -2;
    protected const int OutOfLineEntry = -1;

    public static readonly TaskCodec<T> Instance = Create();

    /// <summary>True when values are raw bytes of fixed size, written in bulk by the caller.</summary>
    public virtual bool IsFixed => false;

    public abstract void Write(T value, WireBuffer buffer, List<OutOfLineBody> bodies);

    public abstract T Read(ref WireReader reader, IBodySource bodies);

    /// <summary>Stands in for a value that could not be produced (its task failed); reads as default.</summary>
    public void WriteMissing(WireBuffer buffer) => buffer.Write(NullEntry);

    private static TaskCodec<T> Create()
    {
        if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            return (TaskCodec<T>)Activator.CreateInstance(typeof(FixedCodec<>).MakeGenericType(typeof(T)))!;
        if (typeof(T).IsSZArray && typeof(T).GetElementType() is { } element && IsUnmanaged(element))
            return (TaskCodec<T>)Activator.CreateInstance(typeof(ArrayCodec<>).MakeGenericType(element))!;
        return new JsonCodec<T>();
    }

    private static bool IsUnmanaged(Type type) =>
        !(bool)typeof(RuntimeHelpers).GetMethod(nameof(RuntimeHelpers.IsReferenceOrContainsReferences))!
            .MakeGenericMethod(type).Invoke(null, null)!;
}

/// <summary>Receives the body of an out-of-line entry from the peer that sent the chunk.</summary>
internal interface IBodySource
{
    void Receive(Span<byte> into);
}

/// <summary>A large array sent as its own message, straight from the array's memory.</summary>
internal abstract class OutOfLineBody
{
    public abstract Request Isend(Communicator communicator, int dest, int tag);

    public abstract void Send(Communicator communicator, int dest, int tag);
}

internal sealed class ArrayBody<TElement>(TElement[] array) : OutOfLineBody where TElement : unmanaged
{
    public override Request Isend(Communicator communicator, int dest, int tag) => communicator.Isend(array, dest, tag);

    public override void Send(Communicator communicator, int dest, int tag) => communicator.Send(array, dest, tag);
}

internal sealed class FixedCodec<T> : TaskCodec<T> where T : unmanaged
{
    public override bool IsFixed => true;

    public override void Write(T value, WireBuffer buffer, List<OutOfLineBody> bodies) => buffer.Write(value);

    public override T Read(ref WireReader reader, IBodySource bodies) => reader.Read<T>();
}

internal sealed class ArrayCodec<TElement> : TaskCodec<TElement[]> where TElement : unmanaged
{
    public override void Write(TElement[] value, WireBuffer buffer, List<OutOfLineBody> bodies)
    {
        if (value is null)
        {
            buffer.Write(NullEntry);
            return;
        }
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(value.AsSpan());
        if (bytes.Length >= OutOfLineBytes)
        {
            buffer.Write(OutOfLineEntry);
            buffer.Write((long)bytes.Length);
            bodies.Add(new ArrayBody<TElement>(value));
            return;
        }
        buffer.Write(bytes.Length);
        buffer.WriteBytes(bytes);
    }

    public override TElement[] Read(ref WireReader reader, IBodySource bodies)
    {
        int length = reader.Read<int>();
        if (length == NullEntry)
            return null!;
        int elementSize = Unsafe.SizeOf<TElement>();
        if (length == OutOfLineEntry)
        {
            long bytes = reader.Read<long>();
            var large = GC.AllocateUninitializedArray<TElement>(checked((int)(bytes / elementSize)));
            bodies.Receive(MemoryMarshal.AsBytes(large.AsSpan()));
            return large;
        }
        var array = GC.AllocateUninitializedArray<TElement>(length / elementSize);
        reader.ReadBytes(length).CopyTo(MemoryMarshal.AsBytes(array.AsSpan()));
        return array;
    }
}

internal sealed class JsonCodec<T> : TaskCodec<T>
{
    public override void Write(T value, WireBuffer buffer, List<OutOfLineBody> bodies)
    {
        byte[] bytes;
        try
        {
            bytes = ObjectJson.SerializeToBytes(value, ObjectJson.Default);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            string held = value is null || value.GetType() == typeof(T) ? "" : $" (holding a {CSharpTypeNames.Of(value.GetType())})";
            throw new NotSupportedException(
                $"task pool: cannot send a value of type {CSharpTypeNames.Of(typeof(T))}{held}: it is not an unmanaged type, so it travels " +
                $"as System.Text.Json, which cannot serialize it: {e.Message} Give the type public properties or fields and a public " +
                "parameterless or record constructor, or pass unmanaged values (structs of numbers, arrays of them).", e);
        }
        buffer.Write(bytes.Length);
        buffer.WriteBytes(bytes);
    }

    public override T Read(ref WireReader reader, IBodySource bodies)
    {
        int length = reader.Read<int>();
        if (length == NullEntry)
            return default!;
        ReadOnlySpan<byte> bytes = reader.ReadBytes(length);
        try
        {
            return ObjectJson.DeserializeFromBytes<T>(bytes, ObjectJson.Default);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new NotSupportedException(
                $"task pool: cannot read a {CSharpTypeNames.Of(typeof(T))} from {length} bytes of System.Text.Json: {e.Message}", e);
        }
    }
}
