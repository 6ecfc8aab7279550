namespace Hpc.Interop;

/// <summary>
/// The Linux calls Hpc makes, in one place: futex wait/wake, naps and single-copy reads for the
/// shared-memory transport, poll(2) and eventfd(2) for a thread sleeping on several descriptors,
/// and sched_getattr/sched_setattr for the ranks' time slice.
/// </summary>
internal static unsafe partial class LinuxNative
{
    private const int FutexWait = 0;
    private const int FutexWake = 1;
    private const int PrSetPtracer = 0x59616d61;
    private const long PrSetPtracerAny = -1;
    private const int MadvPopulateWrite = 23;
    private const int EventFdNonBlocking = 0x800;
    private const int EventFdCloseOnExec = 0x80000;

    /// <summary>poll(2)'s event bit for "readable".</summary>
    public const short PollIn = 0x001;

    /// <summary>The ordinary scheduling policy, <c>SCHED_OTHER</c>.</summary>
    public const int SchedOther = 0;

    /// <summary>The batch scheduling policy, <c>SCHED_BATCH</c>.</summary>
    public const int SchedBatch = 3;

    // System call numbers by architecture: x86-64's table, and the generic table of arm64; -1
    // (the calls are off) on any other. sched_getattr follows sched_setattr in both tables.
    private static readonly long FutexSyscall = SyscallNumber(x64: 202, arm64: 98);
    private static readonly long SchedSetattrSyscall = SyscallNumber(x64: 314, arm64: 274);
    private static readonly long SchedGetattrSyscall = SchedSetattrSyscall + 1;

    private static long SyscallNumber(long x64, long arm64) => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => x64,
        Architecture.Arm64 => arm64,
        _ => -1,
    };

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int* address, int operation, int value, Timespec* timeout, int* address2, int value3);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint process_vm_readv(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint process_vm_writev(int pid, IoVec* local, nuint localCount, IoVec* remote, nuint remoteCount, nuint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    [LibraryImport("libc", EntryPoint = "gethostname", SetLastError = true)]
    private static partial int gethostname_native(byte* name, nuint length);

    /// <summary>The kernel's host name (gethostname(2), as <c>hostname</c> prints it), or null where the call fails.</summary>
    public static string? HostName()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        // HOST_NAME_MAX is 64 on Linux; the buffer leaves room for the terminating zero.
        const int Capacity = 256;
        byte* name = stackalloc byte[Capacity];
        if (gethostname_native(name, Capacity) != 0)
            return null;
        name[Capacity - 1] = 0;
        return Marshal.PtrToStringUTF8((nint)name);
    }

    /// <summary>True when futexes are available (Linux on x64 or arm64).</summary>
    public static bool HasFutex => OperatingSystem.IsLinux() && FutexSyscall > 0;

    /// <summary>Sleeps while <c>*address == expected</c>, at most <paramref name="timeoutMilliseconds"/>.</summary>
    public static void Wait(int* address, int expected, int timeoutMilliseconds)
    {
        if (!HasFutex)
        {
            Thread.Sleep(1);
            return;
        }
        var timeout = new Timespec { Seconds = timeoutMilliseconds / 1000, Nanoseconds = timeoutMilliseconds % 1000 * 1_000_000L };
        syscall(FutexSyscall, address, FutexWait, expected, &timeout, null, 0);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int nanosleep(Timespec* duration, Timespec* remaining);

    /// <summary>
    /// Sleeps about <paramref name="microseconds"/> (Thread.Sleep cannot sleep less than a
    /// millisecond); a millisecond where nanosleep is unavailable.
    /// </summary>
    public static void Nap(int microseconds)
    {
        if (!OperatingSystem.IsLinux())
        {
            Thread.Sleep(1);
            return;
        }
        var duration = new Timespec { Seconds = 0, Nanoseconds = microseconds * 1000L };
        nanosleep(&duration, null);
    }

    /// <summary>Wakes up to <paramref name="count"/> threads sleeping on <paramref name="address"/>, in any process.</summary>
    public static void Wake(int* address, int count)
    {
        if (HasFutex)
            syscall(FutexSyscall, address, FutexWake, count, null, null, 0);
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes at <paramref name="remoteAddress"/> in process
    /// <paramref name="pid"/> into <paramref name="destination"/> with one kernel copy
    /// (process_vm_readv). False when the kernel refuses (ptrace rules) or the copy is short.
    /// </summary>
    public static bool TryReadProcessMemory(int pid, long remoteAddress, byte* destination, long length) =>
        TryCopyProcessMemory(pid, remoteAddress, destination, length, write: false);

    /// <summary>
    /// Copies <paramref name="length"/> bytes from <paramref name="source"/> to
    /// <paramref name="remoteAddress"/> in process <paramref name="pid"/> with one kernel copy
    /// (process_vm_writev). False when the kernel refuses or the copy is short.
    /// </summary>
    public static bool TryWriteProcessMemory(int pid, long remoteAddress, byte* source, long length) =>
        TryCopyProcessMemory(pid, remoteAddress, source, length, write: true);

    private static bool TryCopyProcessMemory(int pid, long remoteAddress, byte* local, long length, bool write)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        long done = 0;
        while (done < length)
        {
            var here = new IoVec { Base = local + done, Length = (nuint)(length - done) };
            var there = new IoVec { Base = (void*)(remoteAddress + done), Length = (nuint)(length - done) };
            nint n = write ? process_vm_writev(pid, &here, 1, &there, 1, 0) : process_vm_readv(pid, &here, 1, &there, 1, 0);
            if (n <= 0)
                return false;
            done += n;
        }
        return true;
    }

    /// <summary>
    /// Maps every page of <paramref name="length"/> bytes at <paramref name="address"/> (a shared
    /// mapping) into this process now, allocating them if they are new, so that the message path
    /// never takes a page fault or a first-touch exit to the hypervisor. Uses MADV_POPULATE_WRITE
    /// (Linux 5.14), then reads one byte per page (which also maps pages on older kernels).
    /// </summary>
    public static void Populate(byte* address, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0)
            return;
        long page = Environment.SystemPageSize;
        long start = (long)address & ~(page - 1);
        long end = ((long)address + length + page - 1) & ~(page - 1);
        madvise((void*)start, (nuint)(end - start), MadvPopulateWrite);
        // Touch every page from this CPU as well: under a hypervisor that shadows page tables
        // the first access to each page still exits to the host (~14 us a page, measured), even
        // when the guest's page table already maps it. Reads never disturb a peer's data.
        for (long p = start; p < end; p += page)
            _ = Volatile.Read(ref *(byte*)p);
    }

    /// <summary>Lets sibling ranks read this process's memory where Yama ptrace rules would forbid it.</summary>
    public static void AllowSiblingReads()
    {
        if (OperatingSystem.IsLinux())
            prctl(PrSetPtracer, PrSetPtracerAny, 0, 0, 0);
    }

    /// <summary>errno of the last failed call, for verbose diagnostics.</summary>
    public static int LastError => Marshal.GetLastPInvokeError();

    // ------------------------------------------------------------------ poll and eventfd

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
    public static void SignalEvent(int eventDescriptor)
    {
        ulong one = 1;
        write(eventDescriptor, &one, sizeof(ulong));
    }

    /// <summary>Resets <paramref name="eventDescriptor"/> to not readable.</summary>
    public static void DrainEvent(int eventDescriptor)
    {
        ulong count;
        read(eventDescriptor, &count, sizeof(ulong));
    }

    /// <summary>Closes a descriptor <see cref="CreateEvent"/> created.</summary>
    public static void Close(int descriptor) => close(descriptor);

    // ------------------------------------------------------------------ scheduling attributes

    /// <summary>The kernel's <c>struct sched_attr</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SchedAttr
    {
        public uint Size;
        public uint Policy;
        public ulong Flags;
        public int Nice;
        public uint Priority;
        public ulong Runtime;
        public ulong Deadline;
        public ulong Period;
        public uint UtilMin;
        public uint UtilMax;
    }

    /// <summary>True when sched_getattr and sched_setattr can be called (Linux on x64 or arm64).</summary>
    public static bool HasSchedAttr => OperatingSystem.IsLinux() && SchedSetattrSyscall > 0;

    // One import for both calls: sched_getattr takes (tid, attr, size, flags), sched_setattr
    // (tid, attr, flags) and ignores the last argument.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long SchedSyscall(long number, long tid, SchedAttr* attr, long arg3, long arg4);

    /// <summary>Reads the scheduling attributes of thread <paramref name="tid"/> (0: the calling thread); false when the kernel refuses.</summary>
    public static bool TryGetSchedAttr(long tid, out SchedAttr attr)
    {
        attr = default;
        fixed (SchedAttr* pointer = &attr)
            return SchedSyscall(SchedGetattrSyscall, tid, pointer, sizeof(SchedAttr), 0) == 0;
    }

    /// <summary>Sets the scheduling attributes of thread <paramref name="tid"/> (0: the calling thread); false when the kernel refuses.</summary>
    public static bool TrySetSchedAttr(long tid, SchedAttr attr)
    {
        attr.Size = (uint)sizeof(SchedAttr);
        return SchedSyscall(SchedSetattrSyscall, tid, &attr, 0, 0) == 0;
    }
}
