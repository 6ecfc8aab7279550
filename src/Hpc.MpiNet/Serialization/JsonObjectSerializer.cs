using System.Text.Json;
using Hpc.Serialization;

namespace MPI;

/// <summary>
/// The default <see cref="ISerializer"/>: System.Text.Json (part of .NET, safe on untrusted
/// input, unlike the BinaryFormatter MPI.NET used, which .NET 9 removed).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>string travels as its UTF-8 bytes.</item>
/// <item>Public properties and public fields are written; a type deserializes through its public
/// parameterless constructor or a constructor whose parameters match its properties (records).</item>
/// <item>A class marked <see cref="SerializableAttribute"/> is written the way BinaryFormatter
/// wrote it: every instance field, public or private, of it and its [Serializable] base classes,
/// except [NonSerialized] ones; it is created without running a constructor.</item>
/// <item>Arrays, List&lt;T&gt;, Dictionary&lt;string or primitive key, T&gt;, tuples and the other
/// collection types System.Text.Json supports; NaN and infinities are allowed.</item>
/// <item>Not supported, with an error naming the type: object cycles, multi-dimensional arrays,
/// delegates, pointers, types without a usable constructor. A value stored in a field of a base
/// type or of type object arrives as the declared type (or JsonElement); give such hierarchies
/// [JsonDerivedType] attributes, or set your own <see cref="ISerializer"/>.</item>
/// </list>
/// </remarks>
public sealed class JsonObjectSerializer : ISerializer
{
    /// <summary>The serializer every communicator starts with.</summary>
    public static JsonObjectSerializer Default { get; } = new();

    /// <summary>A serializer with the default options described on the class.</summary>
    public JsonObjectSerializer() : this(CreateOptions()) { }

    /// <summary>A serializer with your own options (every process must use equal options).</summary>
    public JsonObjectSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <summary>The options in use (read-only).</summary>
    public JsonSerializerOptions Options { get; }

    /// <inheritdoc />
    public void Serialize<T>(Stream stream, T value)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ObjectJson.Serialize(stream, value, Options);
    }

    /// <inheritdoc />
    public T Deserialize<T>(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ObjectJson.Deserialize<T>(stream, Options);
    }

    /// <summary>Fast paths for whole buffers (the layer's own calls).</summary>
    internal byte[] SerializeToBytes<T>(T value) => ObjectJson.SerializeToBytes(value, Options);

    internal T DeserializeFromBytes<T>(ReadOnlySpan<byte> bytes) => ObjectJson.DeserializeFromBytes<T>(bytes, Options);

    private static JsonSerializerOptions CreateOptions() => ObjectJson.CreateOptions();
}
