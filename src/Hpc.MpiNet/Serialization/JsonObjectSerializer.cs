using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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
    private const byte NullString = 0;
    private const byte Utf8String = 1;

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
        if (typeof(T) == typeof(string))
        {
            string? text = Unsafe.As<T, string?>(ref value);
            stream.WriteByte(text is null ? NullString : Utf8String);
            if (text is not null)
                stream.Write(Encoding.UTF8.GetBytes(text));
            return;
        }
        JsonSerializer.Serialize(stream, value, Options);
    }

    /// <inheritdoc />
    public T Deserialize<T>(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (typeof(T) == typeof(string))
        {
            int marker = stream.ReadByte();
            string? text = null;
            if (marker == Utf8String)
            {
                using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
                text = reader.ReadToEnd();
            }
            else if (marker != NullString)
            {
                throw new JsonException("the message does not hold a string (was it sent with another type?)");
            }
            return Unsafe.As<string?, T>(ref text);
        }
        return JsonSerializer.Deserialize<T>(stream, Options)!;
    }

    /// <summary>Fast paths for whole buffers (the layer's own calls).</summary>
    internal byte[] SerializeToBytes<T>(T value)
    {
        if (typeof(T) == typeof(string))
        {
            string? text = Unsafe.As<T, string?>(ref value);
            if (text is null)
                return [NullString];
            var bytes = new byte[1 + Encoding.UTF8.GetByteCount(text)];
            bytes[0] = Utf8String;
            Encoding.UTF8.GetBytes(text, bytes.AsSpan(1));
            return bytes;
        }
        return JsonSerializer.SerializeToUtf8Bytes(value, Options);
    }

    internal T DeserializeFromBytes<T>(ReadOnlySpan<byte> bytes)
    {
        if (typeof(T) == typeof(string))
        {
            string? text = bytes.Length > 0 && bytes[0] == Utf8String ? Encoding.UTF8.GetString(bytes[1..])
                : bytes.Length == 1 && bytes[0] == NullString ? null
                : throw new JsonException("the message does not hold a string (was it sent with another type?)");
            return Unsafe.As<string?, T>(ref text);
        }
        return JsonSerializer.Deserialize<T>(bytes, Options)!;
    }

    private static JsonSerializerOptions CreateOptions() => new()
    {
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        MaxDepth = 256,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { SerializableFields, RejectWriteOnlyShapes } },
        Converters = { new BigIntegerConverter() },
    };

    /// <summary>
    /// An object whose members can all be read but none set, and whose constructor takes none of
    /// them (System.Numerics types, many BCL and hand-written immutable classes), would arrive
    /// empty: writing one fails on the sender instead, naming the type.
    /// </summary>
    private static void RejectWriteOnlyShapes(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || info.Properties.Count == 0 || info.Properties.Any(p => p.Set is not null))
            return;
        if (info.ConstructorAttributeProvider is ConstructorInfo constructor && constructor.GetParameters().Length > 0)
            return;
        string name = MPI.Internal.TypeNames.Of(info.Type);
        foreach (JsonPropertyInfo property in info.Properties)
        {
            property.Get = _ => throw new NotSupportedException(
                $"{name} cannot be rebuilt from JSON: none of its members can be set and no constructor takes them, so it would arrive empty.");
        }
    }

    /// <summary>BigInteger as a JSON string of its decimal digits (System.Text.Json has no converter for it).</summary>
    private sealed class BigIntegerConverter : JsonConverter<System.Numerics.BigInteger>
    {
        public override System.Numerics.BigInteger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            System.Numerics.BigInteger.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, System.Numerics.BigInteger value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// [Serializable] classes are written field by field, private fields included, as
    /// BinaryFormatter did, and created without a constructor call.
    /// </summary>
    // Reads the [Serializable]/[NonSerialized] markers only; no formatter is involved.
#pragma warning disable SYSLIB0050
    private static void SerializableFields(JsonTypeInfo info)
    {
        Type type = info.Type;
        if (info.Kind != JsonTypeInfoKind.Object || !type.IsClass || type.IsAbstract || (type.Attributes & TypeAttributes.Serializable) == 0
            || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true)
            return;
        var fields = new List<FieldInfo>();
        for (Type? t = type; t is not null && t != typeof(object) && (t.Attributes & TypeAttributes.Serializable) != 0; t = t.BaseType)
        {
            fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(f => !f.IsNotSerialized));
        }
        info.Properties.Clear();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (FieldInfo field in fields)
        {
            string name = names.Add(field.Name) ? field.Name : field.DeclaringType!.Name + "." + field.Name;
            names.Add(name);
            JsonPropertyInfo property = info.CreateJsonPropertyInfo(field.FieldType, name);
            property.Get = field.GetValue;
            property.Set = field.SetValue;
            info.Properties.Add(property);
        }
        info.CreateObject = () => RuntimeHelpers.GetUninitializedObject(type);
    }
#pragma warning restore SYSLIB0050
}
