using System.Numerics;
using System.Runtime.Serialization;
using MPI.Internal;

namespace MpiNetTests;

public class SerializerTests
{
    private static readonly Serialization Settings = new();

    private static T RoundTrip<T>(T value) => Codec.Deserialize<T>(Settings, Codec.Serialize(Settings, value), 0, 0);

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("grüße, 世界 🌍")]
    [InlineData(null)]
    public void StringsRoundTrip(string? text) => Assert.Equal(text, RoundTrip(text));

    [Fact]
    public void AStringTravelsAsUtf8WithAMarker()
    {
        Assert.Equal([1, (byte)'h', (byte)'i'], Codec.Serialize(Settings, "hi"));
        Assert.Equal([0], Codec.Serialize<string?>(Settings, null));
    }

    [Fact]
    public void SerializableClassesTravelFieldByFieldLikeBinaryFormatter()
    {
        var original = new Legacy("secret", 7) { Scratch = 5 };
        Legacy copy = RoundTrip(original);
        Assert.Equal("secret", copy.Secret);
        Assert.Equal(7, copy.Count);
        Assert.Equal(0, copy.Scratch); // [NonSerialized]
        Assert.Equal("base", copy.BaseName);
    }

    [Fact]
    public void RecordsCollectionsAndBigIntegersRoundTrip()
    {
        var record = new Point3("p", [1, 2, 3], new Dictionary<string, double> { ["x"] = double.NaN });
        Point3 copy = RoundTrip(record);
        Assert.Equal("p", copy.Name);
        Assert.Equal([1, 2, 3], copy.Values);
        Assert.True(double.IsNaN(copy.Extra["x"]));
        Assert.Equal(BigInteger.Pow(3, 200), RoundTrip(BigInteger.Pow(3, 200)));
        Assert.Equal(new int?[] { 1, null }, RoundTrip(new int?[] { 1, null }));
    }

    [Fact]
    public void UnserializableTypesFailOnTheSenderNamingTheType()
    {
        var cycle = new Cyclic();
        cycle.Self = cycle;
        var error = Assert.Throws<SerializationException>(() => Codec.Serialize(Settings, cycle));
        Assert.Contains("Cyclic", error.Message);
        Assert.Contains("cycle", error.Message);
        error = Assert.Throws<SerializationException>(() => Codec.Serialize(Settings, new ReadOnlyShape(3)));
        Assert.Contains("ReadOnlyShape cannot be rebuilt", error.Message);
        error = Assert.Throws<SerializationException>(() => Codec.Serialize(Settings, new int[2, 2]));
        Assert.Contains("int[,]", error.Message);
    }

    [Fact]
    public void AMessageOfAnotherTypeFailsOnTheReceiverNamingTheSender()
    {
        byte[] bytes = Codec.Serialize(Settings, new[] { 1, 2 });
        var error = Assert.Throws<SerializationException>(() => Codec.Deserialize<Point3>(Settings, bytes, 4, 9));
        Assert.Contains("rank 4 (tag 9", error.Message);
    }

    [Fact]
    public void ACustomSerializerIsUsed()
    {
        var settings = new Serialization { Serializer = new Reversing() };
        byte[] bytes = Codec.Serialize(settings, "abc");
        Assert.Equal("cba"u8.ToArray(), bytes);
        Assert.Equal("abc", Codec.Deserialize<string>(settings, bytes, 0, 0));
    }

    [Serializable]
    private class LegacyBase
    {
        private readonly string _baseName = "base";

        public string BaseName => _baseName;
    }

    [Serializable]
    private sealed class Legacy : LegacyBase
    {
        private readonly string _secret;
        private readonly int _count;

        [NonSerialized]
        public int Scratch;

        public Legacy(string secret, int count)
        {
            _secret = secret;
            _count = count;
        }

        public string Secret => _secret;

        public int Count => _count;
    }

    public sealed record Point3(string Name, int[] Values, Dictionary<string, double> Extra);

    public sealed class Cyclic
    {
        public Cyclic? Self { get; set; }
    }

    public sealed class ReadOnlyShape
    {
        private readonly int _size;

        public ReadOnlyShape(int size, bool unused = false)
        {
            _size = size;
            _ = unused;
        }

        public ReadOnlyShape() { }

        public int Size => _size;
    }

    private sealed class Reversing : ISerializer
    {
        public void Serialize<T>(Stream stream, T value)
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes((string)(object)value!);
            Array.Reverse(bytes);
            stream.Write(bytes);
        }

        public T Deserialize<T>(Stream stream)
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            byte[] bytes = memory.ToArray();
            Array.Reverse(bytes);
            return (T)(object)System.Text.Encoding.UTF8.GetString(bytes);
        }
    }
}
