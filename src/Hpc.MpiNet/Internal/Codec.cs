using System.Runtime.Serialization;

namespace MPI.Internal;

/// <summary>Serializes values of types that are not unmanaged, turning serializer failures into clear errors.</summary>
internal static class Codec
{
    public static byte[] Serialize<T>(Serialization settings, T value)
    {
        ISerializer serializer = settings.Serializer;
        try
        {
            if (serializer is JsonObjectSerializer json)
                return json.SerializeToBytes(value);
            using var stream = new MemoryStream();
            serializer.Serialize(stream, value);
            return stream.ToArray();
        }
        catch (Exception e) when (e is not SerializationException and not OutOfMemoryException)
        {
            string runtime = value is null || value.GetType() == typeof(T) ? "" : $" (holding a {TypeNames.Of(value.GetType())})";
            throw new SerializationException(
                $"MPI: cannot send a value of type {TypeNames.Of(typeof(T))}{runtime}: it is not an unmanaged type, so it travels serialized, " +
                $"and {Describe(serializer)} cannot serialize it: {e.Message} " +
                "Give the type public properties or fields and a public parameterless constructor (or a record constructor), mark it [Serializable] " +
                "to send all its fields, or set Communicator.Serialization.Serializer to an ISerializer that handles it.", e);
        }
    }

    public static T Deserialize<T>(Serialization settings, ReadOnlySpan<byte> bytes, int source, int tag) =>
        Deserialize<T>(settings, bytes, $"the message of rank {source} (tag {tag}, {bytes.Length} serialized bytes)");

    public static T Deserialize<T>(Serialization settings, ReadOnlySpan<byte> bytes, string origin)
    {
        ISerializer serializer = settings.Serializer;
        try
        {
            if (serializer is JsonObjectSerializer json)
                return json.DeserializeFromBytes<T>(bytes);
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            return serializer.Deserialize<T>(stream);
        }
        catch (Exception e) when (e is not SerializationException and not OutOfMemoryException)
        {
            throw new SerializationException(
                $"MPI: cannot read a {TypeNames.Of(typeof(T))} from {origin} " +
                $"with {Describe(serializer)}: {e.Message} Do sender and receiver use the same type?", e);
        }
    }

    private static string Describe(ISerializer serializer) =>
        serializer is JsonObjectSerializer ? "System.Text.Json" : serializer.GetType().Name;
}

/// <summary>Hpc exceptions in MPI.NET's types.</summary>
internal static class Errors
{
    public static MessageTruncatedException Truncated(Hpc.MessageTruncatedException e) => new(e.Message, e);

    public static Exception Translate(Exception e) => e switch
    {
        Hpc.MessageTruncatedException truncated => Truncated(truncated),
        AggregateException { InnerExceptions.Count: 1 } aggregate => Translate(aggregate.InnerExceptions[0]),
        _ => e,
    };
}
