using System.Runtime.InteropServices;

namespace Hpc.Transport.SharedMemory;

/// <summary>The few Linux system calls the shared-memory transport needs: futex wait/wake and single-copy reads.</summary>
internal static unsafe partial class LinuxNative
{
    private const int FutexWait = 0;
    private const int FutexWake = 1;
    private const int PrSetPtracer = 0x59616d61;
    private const long PrSetPtracerAny = -1;

    private static readonly long FutexSyscall = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
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

    private const int MadvPopulateWrite = 23;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, long arg2, long arg3, long arg4, long arg5);

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
}
