#nullable disable
using System.Buffers;
using Raw = System.Runtime.CompilerServices.Unsafe;

namespace MPI
{
    // The table behind MPI.Unsafe's integer request handles, the memory wrapper that lets a
    // pointer stand where Hpc's non-blocking calls take Memory<T>, and writing MPI_Status.
    public static unsafe partial class Unsafe
    {
        private static readonly Dictionary<int, Pending> s_requests = new();
        private static int s_lastRequest;

        private sealed record Pending(HpcRequest Request, MemoryManager<byte> Memory);

        private static int Track(HpcRequest request, MemoryManager<byte> memory)
        {
            lock (s_requests)
            {
                do
                {
                    s_lastRequest = s_lastRequest == int.MaxValue ? 1 : s_lastRequest + 1;
                }
                while (s_lastRequest == MPI_REQUEST_NULL || s_requests.ContainsKey(s_lastRequest));
                s_requests.Add(s_lastRequest, new Pending(request, memory));
                return s_lastRequest;
            }
        }

        private static Pending Take(int request)
        {
            lock (s_requests)
            {
                if (!s_requests.Remove(request, out Pending pending))
                    throw new ArgumentException($"request handle {request} is not an active request of MPI.Unsafe", nameof(request));
                return pending;
            }
        }

        private static void Store(ref MPI_Status status, HpcStatus received) =>
            Store(ref status, received.Source, received.Tag, checked((int)received.ByteCount));

        // MPI_STATUS_IGNORE arrives as a reference to address 1 (or 0): write nothing there.
        private static void Store(ref MPI_Status status, int source, int tag, int bytes)
        {
            void* where = Raw.AsPointer(ref status);
            if (where == MPI_STATUS_IGNORE || where == null)
                return;
            status = new MPI_Status { count = bytes, MPI_SOURCE = source, MPI_TAG = tag, MPI_ERROR = MPI_SUCCESS };
        }

        // Memory over a caller's pointer, so Hpc's non-blocking calls (which take Memory<T>) can use it.
        private sealed class PointerMemory(byte* pointer, int length) : MemoryManager<byte>
        {
            public override Span<byte> GetSpan() => new(pointer, length);

            public override MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);

            public override void Unpin()
            {
            }

            protected override void Dispose(bool disposing)
            {
            }
        }
    }
}
