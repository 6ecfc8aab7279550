#nullable disable
namespace MPI
{
    /// <summary>
    /// Turns values of types that are not unmanaged (string, classes, arrays of them, …) into
    /// bytes and back. Set <see cref="Serialization.Serializer"/> to plug in your own (MessagePack,
    /// protobuf, …); every process of a communicator must use the same one.
    /// </summary>
    public interface ISerializer
    {
        /// <summary>Writes <paramref name="value"/> to <paramref name="stream"/>.</summary>
        void Serialize<T>(Stream stream, T value);

        /// <summary>Reads a value written by <see cref="Serialize{T}"/> from <paramref name="stream"/>.</summary>
        T Deserialize<T>(Stream stream);
    }

    /// <summary>
    /// How a communicator serializes values that are not unmanaged (MPI.NET's
    /// <c>Communicator.Serialization</c>).
    /// </summary>
    public class Serialization
    {
        /// <summary>
        /// The serializer; <see cref="JsonObjectSerializer.Default"/> (System.Text.Json) unless set.
        /// Every process communicating on the communicator must use the same serializer.
        /// </summary>
        public ISerializer Serializer
        {
            get => _serializer;
            set => _serializer = value ?? throw new ArgumentNullException(nameof(value));
        }

        private ISerializer _serializer = JsonObjectSerializer.Default;

        /// <summary>Accepted for MPI.NET source compatibility; Hpc sends a serialized object as one message of any size.</summary>
        public int BufferSize { get; set; } = 16 << 20;

        /// <summary>Accepted for MPI.NET source compatibility; unused.</summary>
        public int WorkerCount { get; set; } = 16;

        /// <summary>Called with (bytes, destination) for every serialized message sent, when set.</summary>
        public Action<int, int> SendLogger { get; set; }

        /// <summary>Accepted for MPI.NET source compatibility; unused.</summary>
        public Action<string> WaitLogger { get; set; }
    }
}
