using System.Globalization;
using System.Runtime.InteropServices;

namespace Hpc.Launcher;

/// <summary>
/// Linux process bookkeeping the launcher needs so that no process outlives a job, including the
/// ones a rank started in the background: the launcher becomes a child subreaper, so orphaned
/// descendants of ranks are re-parented to it instead of to init, and can be found and killed.
/// </summary>
/// <remarks>
/// <see cref="System.Diagnostics.Process.Kill(bool)"/> alone cannot do this: once a rank has
/// exited, its children are no longer in its tree. Every member is a no-op off Linux.
/// </remarks>
internal static partial class ProcessTree
{
    /// <summary>Signal number of SIGTERM on Linux.</summary>
    public const int SigTerm = 15;
    /// <summary>Signal number of SIGKILL on Linux.</summary>
    public const int SigKill = 9;

    private const int PrSetChildSubreaper = 36;
    private const int WNoHang = 1;

    /// <summary>
    /// Makes this process the reaper of its orphaned descendants. Call it after any helper
    /// process whose daemons must survive (the SDK's build servers) has finished.
    /// </summary>
    public static bool BecomeSubreaper()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            return Prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>A process under the launcher, as read from <c>/proc</c>.</summary>
    /// <param name="Pid">Process id.</param>
    /// <param name="ParentPid">Parent's process id.</param>
    /// <param name="IsZombie">True once it died and awaits its parent's wait().</param>
    public readonly record struct Entry(int Pid, int ParentPid, bool IsZombie);

    /// <summary>Every descendant of <paramref name="root"/> (children first), read from <c>/proc</c>.</summary>
    public static List<Entry> Descendants(int root)
    {
        var result = new List<Entry>();
        if (!OperatingSystem.IsLinux())
            return result;

        var children = new Dictionary<int, List<Entry>>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            if (ReadStat(pid) is not { } entry)
                continue;
            if (!children.TryGetValue(entry.ParentPid, out List<Entry>? list))
                children[entry.ParentPid] = list = [];
            list.Add(entry);
        }

        var pending = new Queue<int>();
        pending.Enqueue(root);
        while (pending.Count > 0)
        {
            if (!children.TryGetValue(pending.Dequeue(), out List<Entry>? list))
                continue;
            foreach (Entry child in list)
            {
                result.Add(child);
                pending.Enqueue(child.Pid);
            }
        }
        return result;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to every live descendant of this process except the pids in
    /// <paramref name="spare"/>: the polite first step of ending a job.
    /// </summary>
    public static void SignalDescendants(int signal, IReadOnlySet<int>? spare = null)
    {
        foreach (Entry entry in Descendants(Environment.ProcessId))
        {
            if (!entry.IsZombie && spare?.Contains(entry.Pid) != true)
                Signal(entry.Pid, signal);
        }
    }

    /// <summary>
    /// SIGKILLs every live descendant of this process and reaps the orphaned zombies re-parented
    /// to it, until none is alive (at most 2 s). Children in <paramref name="waitedFor"/> are
    /// waited for by their <see cref="System.Diagnostics.Process"/> objects and must not be reaped here.
    /// </summary>
    /// <remarks>The one process-tree kill of both mpirun (<see cref="Job"/>) and the per-host daemon.</remarks>
    public static async Task KillDescendantsAsync(IReadOnlySet<int> waitedFor, Action<string> log)
    {
        if (!OperatingSystem.IsLinux())
            return;
        int self = Environment.ProcessId;
        for (int attempt = 0; attempt < 40; attempt++)
        {
            bool anyAlive = false;
            foreach (Entry entry in Descendants(self))
            {
                if (!entry.IsZombie)
                {
                    anyAlive = true;
                    log($"killing pid {entry.Pid.ToString(CultureInfo.InvariantCulture)}");
                    Signal(entry.Pid, SigKill);
                }
                else if (entry.ParentPid == self && !waitedFor.Contains(entry.Pid))
                {
                    // An orphan re-parented to us: nobody else will wait() for it.
                    Reap(entry.Pid);
                }
            }
            if (!anyAlive)
                return;
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when it is already gone.</summary>
    public static bool Signal(int pid, int signal)
    {
        if (!OperatingSystem.IsLinux() || pid <= 0)
            return false;
        return Kill(pid, signal) == 0;
    }

    /// <summary>
    /// Collects the exit status of a dead orphan re-parented to the launcher, so it does not stay
    /// a zombie. Never call it for a process started through <see cref="System.Diagnostics.Process"/>:
    /// that class waits for its own children.
    /// </summary>
    public static void Reap(int pid)
    {
        if (OperatingSystem.IsLinux() && pid > 0)
            _ = WaitPid(pid, out _, WNoHang);
    }

    private static Entry? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) S ppid ...": comm may itself contain ") ", so parse after the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
            return null;
        string[] fields = text[(close + 2)..].Split(' ', 3);
        if (fields.Length < 2 || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent))
            return null;
        return new Entry(pid, parent, fields[0] is "Z" or "X");
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, out int status, int options);
}
