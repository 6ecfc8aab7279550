using Hpc.Interop;
using Hpc.Messaging.Waiting;
using Hpc.Transport.SharedMemory;
using Hpc.Transport.Tcp;

namespace Hpc.Transport.Waiting;

/// <summary>
/// What a blocked call sleeps on when some of its peers are reached over TCP: poll(2) on every
/// TCP socket of the rank, on the bell of its shared-memory inbox when it has shared-memory peers
/// too (<see cref="InboxBell"/>), and on an eventfd of its own that <see cref="WakeAll"/> signals.
/// The thread that waits is woken by the arriving bytes themselves and reads them itself, as
/// Open MPI's and MPICH's progress engines do in their blocking modes; before, the socket woke a
/// background reader, which read the frame and then woke the waiter: two wake-ups per message,
/// each a scheduler round trip when cores are shared.
/// </summary>
internal sealed class PollingArrivalSignal : IArrivalSignal, IDisposable
{
    private readonly TcpLink[] _sockets;
    private readonly SharedMemoryInbox? _inbox;
    private readonly ThreadLocal<int> _ownEvent = new(CreateEvent, trackAllValues: true);
    private readonly Lock _sleepersLock = new();
    // The eventfds of the threads asleep right now; a list reused under the lock, so a block
    // allocates nothing once every waiting thread has slept once.
    private readonly List<int> _sleepers = [];
    private volatile bool _disposed;

    /// <param name="sockets">Every TCP link of the rank.</param>
    /// <param name="inbox">The rank's shared-memory inbox with its bell open, when it has shared-memory peers.</param>
    public PollingArrivalSignal(TcpLink[] sockets, SharedMemoryInbox? inbox)
    {
        _sockets = sockets;
        _inbox = inbox;
    }

    private static int CreateEvent()
    {
        int descriptor = LinuxNative.CreateEvent();
        if (descriptor < 0)
            throw new HpcException("the kernel refused an eventfd for a waiting thread (too many open files?)");
        return descriptor;
    }

    /// <inheritdoc />
    public void Sleep(Request request, int timeoutMilliseconds)
    {
        if (_disposed)
            return;
        int ownEvent = _ownEvent.Value;
        lock (_sleepersLock)
            _sleepers.Add(ownEvent);
        _inbox?.BeginPollSleep();
        try
        {
            // The last look comes after both announcements (each a full fence): a completion or a
            // shared-memory frame published before it is seen here, one after it signals.
            if (request.IsCompleted || _inbox?.AnyData() == true)
                return;
            int count = _sockets.Length + 1 + (_inbox is null ? 0 : 1);
            Span<LinuxNative.PollDescriptor> descriptors = count <= 64 ? stackalloc LinuxNative.PollDescriptor[count] : new LinuxNative.PollDescriptor[count];
            for (int i = 0; i < _sockets.Length; i++)
                descriptors[i] = new LinuxNative.PollDescriptor { Descriptor = _sockets[i].PollDescriptor, Events = LinuxNative.PollIn };
            descriptors[_sockets.Length] = new LinuxNative.PollDescriptor { Descriptor = ownEvent, Events = LinuxNative.PollIn };
            if (_inbox is not null)
                descriptors[^1] = new LinuxNative.PollDescriptor { Descriptor = _inbox.Bell!.Descriptor, Events = LinuxNative.PollIn };
            if (LinuxNative.Poll(descriptors, timeoutMilliseconds) <= 0)
                return;
            if (descriptors[_sockets.Length].ReturnedEvents != 0)
                LinuxNative.DrainEvent(ownEvent);
            // Whoever drains a ring reads every link next (the caller's Progress), so a sleeper
            // that the drain sends back to sleep is woken again by its completed request.
            if (_inbox is not null && descriptors[^1].ReturnedEvents != 0)
                _inbox.Bell!.Drain();
        }
        finally
        {
            _inbox?.EndPollSleep();
            lock (_sleepersLock)
                _sleepers.Remove(ownEvent);
        }
    }

    /// <inheritdoc />
    public void WakeAll()
    {
        lock (_sleepersLock)
        {
            foreach (int sleeper in _sleepers)
                LinuxNative.SignalEvent(sleeper);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        WakeAll();
        foreach (int descriptor in _ownEvent.Values)
            LinuxNative.Close(descriptor);
        _ownEvent.Dispose();
    }
}
