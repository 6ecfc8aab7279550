using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Hpc.Serialization;

/// <summary>
/// The one object serializer of Hpc: System.Text.Json with the options the MPI.NET layer
/// documents on MPI.JsonObjectSerializer (fields included, [Serializable] classes field by field,
/// NaN allowed, write-only shapes refused), and strings as their UTF-8 bytes. It lives here so the
/// task pool (Hpc.Tasks) and the MPI.NET layer send non-unmanaged values the same way; never
/// BinaryFormatter.
/// </summary>
internal static class ObjectJson
{
    private const byte NullString = 0;
    private const byte Utf8String = 1;

    /// <summary>Shared default options (read-only).</summary>
    public static JsonSerializerOptions Default { get; } = Freeze(CreateOptions());

    private static JsonSerializerOptions Freeze(JsonSerializerOptions options)
    {
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>A value as bytes: a string as a marker byte and its UTF-8, anything else as JSON.</summary>
    public static byte[] SerializeToBytes<T>(T value, JsonSerializerOptions options)
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
        return JsonSerializer.SerializeToUtf8Bytes(value, options);
    }

    /// <summary>Reads what <see cref="SerializeToBytes{T}"/> wrote.</summary>
    public static T DeserializeFromBytes<T>(ReadOnlySpan<byte> bytes, JsonSerializerOptions options)
    {
        if (typeof(T) == typeof(string))
        {
            string? text = bytes.Length > 0 && bytes[0] == Utf8String ? Encoding.UTF8.GetString(bytes[1..])
                : bytes.Length == 1 && bytes[0] == NullString ? null
                : throw new JsonException("the message does not hold a string (was it sent with another type?)");
            return Unsafe.As<string?, T>(ref text);
        }
        return JsonSerializer.Deserialize<T>(bytes, options)!;
    }

    /// <summary>Writes to <paramref name="stream"/> what <see cref="SerializeToBytes{T}"/> returns.</summary>
    public static void Serialize<T>(Stream stream, T value, JsonSerializerOptions options)
    {
        if (typeof(T) == typeof(string))
            stream.Write(SerializeToBytes(value, options));
        else
            JsonSerializer.Serialize(stream, value, options);
    }

    /// <summary>Reads what <see cref="Serialize{T}(Stream, T, JsonSerializerOptions)"/> wrote, to the end of <paramref name="stream"/>.</summary>
    public static T Deserialize<T>(Stream stream, JsonSerializerOptions options)
    {
        if (typeof(T) != typeof(string))
            return JsonSerializer.Deserialize<T>(stream, options)!;
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

    public static JsonSerializerOptions CreateOptions() => new()
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
        string name = CSharpTypeNames.Of(info.Type);
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
