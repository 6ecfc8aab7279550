using System.Runtime.InteropServices;

namespace Hpc.Transport.Waiting;

/// <summary>The Linux calls a thread needs to sleep on several descriptors at once: poll(2) and eventfd(2).</summary>
internal static unsafe partial class PollNative
{
    public const short PollIn = 0x001;
    private const int EventFdNonBlocking = 0x800;
    private const int EventFdCloseOnExec = 0x80000;

    /// <summary>One entry of poll(2)'s array; a negative <see cref="Descriptor"/> is skipped by the kernel.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(PollDescriptor* descriptors, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initial, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int descriptor, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int descriptor, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int descriptor);

    /// <summary>Sleeps until one of <paramref name="descriptors"/> is readable or the timeout passes; returns poll's result.</summary>
    public static int Poll(Span<PollDescriptor> descriptors, int timeoutMilliseconds)
    {
        fixed (PollDescriptor* first = descriptors)
            return poll(first, (nuint)descriptors.Length, timeoutMilliseconds);
    }

    /// <summary>A new non-blocking eventfd, or -1 when the kernel refuses one.</summary>
    public static int CreateEvent() => eventfd(0, EventFdNonBlocking | EventFdCloseOnExec);

    /// <summary>Makes <paramref name="eventDescriptor"/> readable (wakes a thread polling it).</summary>
    public static void Signal(int eventDescriptor)
    {
        ulong one = 1;
        write(eventDescriptor, &one, sizeof(ulong));
    }

    /// <summary>Resets <paramref name="eventDescriptor"/> to not readable.</summary>
    public static void Drain(int eventDescriptor)
    {
        ulong count;
        read(eventDescriptor, &count, sizeof(ulong));
    }

    /// <summary>Closes a descriptor this class created.</summary>
    public static void Close(int descriptor) => close(descriptor);
}
