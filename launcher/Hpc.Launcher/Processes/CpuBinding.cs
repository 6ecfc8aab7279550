using System.Globalization;
using System.Runtime.InteropServices;

namespace Hpc.Launcher;

/// <summary>A set of CPUs a rank is pinned to, and what it stands for (core 3, socket 0).</summary>
/// <param name="Cpus">Linux CPU numbers, ascending.</param>
/// <param name="Description">The unit, e.g. <c>core 3</c>.</param>
internal sealed record CpuSet(IReadOnlyList<int> Cpus, string Description)
{
    /// <summary>The CPUs as Linux writes them in <c>Cpus_allowed_list</c>, e.g. <c>0-3,8</c>.</summary>
    public string ListText => CpuBinding.FormatList(Cpus);
}

/// <summary>
/// <c>--bind-to core|socket</c> (and the default, <see cref="BindTo.Auto"/>): which CPUs each rank of this host gets, and starting a process
/// already pinned to them. The units are read from <c>/sys/devices/system/cpu</c> (a core is the
/// hardware threads sharing a core id on a package), restricted to the CPUs mpirun itself may
/// use (a cpuset or <c>taskset</c> around mpirun is respected). Rank with local rank L gets unit L.
/// </summary>
/// <remarks>
/// A child inherits the CPU affinity of the thread that forks it, and .NET forks on the thread
/// that calls <see cref="System.Diagnostics.Process.Start()"/>: pinning that thread around the
/// start pins the rank before its first instruction, so even the .NET runtime's own view of the
/// processor count inside the rank is the bound one. No helper process, no race with the rank.
/// </remarks>
internal static partial class CpuBinding
{
    /// <summary>The CPU set of every local rank (index = local rank) for <paramref name="target"/>.</summary>
    /// <exception cref="UsageException">More local ranks than units and no <c>--oversubscribe</c>.</exception>
    public static IReadOnlyList<CpuSet> Plan(BindTo target, int localRanks, bool oversubscribe)
    {
        if (target == BindTo.None || !OperatingSystem.IsLinux())
            return [];
        if (target == BindTo.Auto)
            return PlanAuto(Units(BindTo.Core), Units(BindTo.Socket), localRanks);
        List<CpuSet> units = Units(target);
        if (units.Count == 0)
            return [];
        if (localRanks > units.Count && !oversubscribe)
        {
            string noun = target == BindTo.Core ? "core" : "socket";
            throw new UsageException($"--bind-to {noun}: {localRanks} ranks on this host but only {units.Count} {noun}{(units.Count == 1 ? "" : "s")} to bind to (use fewer ranks, --bind-to none or --oversubscribe)");
        }
        return [.. Enumerable.Range(0, localRanks).Select(l => units[l % units.Count])];
    }

    /// <summary>Ranks per host up to which the default binds each rank to a core (Open MPI's rule: core for 2 or fewer, package above).</summary>
    public const int AutoCoreBindingRanks = 2;

    /// <summary>
    /// The default binding, Open MPI's: up to <see cref="AutoCoreBindingRanks"/> local ranks, each to
    /// a core of its own; more, each to the socket (package) of the core it maps to, so a rank's
    /// own threads (the .NET thread pool, the GC, a task pool's client, a Parallel.For) are not
    /// squeezed onto one core; more ranks than cores, no binding (never an error).
    /// </summary>
    /// <remarks>
    /// Core binding pays for a pair of ranks: a rank woken by its peer runs at once on its own core
    /// (with its short time slice, even beside CPU-bound work) instead of being pulled onto its
    /// waker's core, where both then wait for each other's turn. Measured 2026-12-07 on 2 cores beside
    /// two CPU-bound processes, np 2 ping-pong P50 0.6 µs pinned against 18-60 µs unpinned in most runs.
    /// It costs a rank that runs threads of its own: the same day, np 2 task pool with 1 MiB tasks
    /// (hpc-bench tasks map_1mib), 48-84 tasks/s core-bound against 137-163 unbound (a loaded machine:
    /// every run of each, same minutes). With fewer cores than ranks the scheduler balances better
    /// than a fixed wrap-around.
    /// </remarks>
    public static IReadOnlyList<CpuSet> PlanAuto(IReadOnlyList<CpuSet> cores, IReadOnlyList<CpuSet> sockets, int localRanks)
    {
        if (cores.Count == 0 || localRanks > cores.Count)
            return [];
        if (localRanks <= AutoCoreBindingRanks)
            return [.. cores.Take(localRanks)];
        var plan = new List<CpuSet>(localRanks);
        for (int l = 0; l < localRanks; l++)
        {
            int firstCpu = cores[l].Cpus[0];
            plan.Add(sockets.FirstOrDefault(s => s.Cpus.Contains(firstCpu)) ?? cores[l]);
        }
        return plan;
    }

    /// <summary>Runs <paramref name="start"/> with the calling thread pinned to <paramref name="cpus"/>, so what it forks inherits the pinning.</summary>
    public static T StartPinned<T>(CpuSet? cpus, Func<T> start)
    {
        if (cpus is null || !OperatingSystem.IsLinux())
            return start();
        byte[] saved = new byte[MaskBytes];
        bool haveSaved = SchedGetAffinity(0, (nuint)saved.Length, saved) == 0;
        byte[] mask = new byte[MaskBytes];
        foreach (int cpu in cpus.Cpus)
            mask[cpu / 8] |= (byte)(1 << (cpu % 8));
        if (SchedSetAffinity(0, (nuint)mask.Length, mask) != 0)
            return start();
        try
        {
            return start();
        }
        finally
        {
            if (haveSaved)
                _ = SchedSetAffinity(0, (nuint)saved.Length, saved);
        }
    }

    /// <summary>Linux's list format: <c>0-3,8,10-11</c>.</summary>
    public static string FormatList(IReadOnlyList<int> cpus)
    {
        var parts = new List<string>();
        for (int i = 0; i < cpus.Count;)
        {
            int j = i;
            while (j + 1 < cpus.Count && cpus[j + 1] == cpus[j] + 1)
                j++;
            string first = cpus[i].ToString(CultureInfo.InvariantCulture);
            parts.Add(j == i ? first : first + "-" + cpus[j].ToString(CultureInfo.InvariantCulture));
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    /// <summary>Cores or sockets of this machine among the CPUs this process may use, in CPU order.</summary>
    internal static List<CpuSet> Units(BindTo target)
    {
        var allowed = AllowedCpus();
        var groups = new Dictionary<(int Package, int Core), List<int>>();
        var order = new List<(int, int)>();
        foreach (int cpu in allowed)
        {
            int package = ReadTopology(cpu, "physical_package_id") ?? 0;
            int core = target == BindTo.Core ? ReadTopology(cpu, "core_id") ?? cpu : -1;
            if (!groups.TryGetValue((package, core), out List<int>? list))
            {
                groups[(package, core)] = list = [];
                order.Add((package, core));
            }
            list.Add(cpu);
        }
        var units = new List<CpuSet>(order.Count);
        for (int i = 0; i < order.Count; i++)
        {
            string name = target == BindTo.Core
                ? "core " + i.ToString(CultureInfo.InvariantCulture)
                : "socket " + order[i].Item1.ToString(CultureInfo.InvariantCulture);
            units.Add(new CpuSet(groups[order[i]], name));
        }
        return units;
    }

    private static List<int> AllowedCpus()
    {
        byte[] mask = new byte[MaskBytes];
        var cpus = new List<int>();
        if (SchedGetAffinity(0, (nuint)mask.Length, mask) != 0)
        {
            cpus.AddRange(Enumerable.Range(0, Environment.ProcessorCount));
            return cpus;
        }
        for (int cpu = 0; cpu < mask.Length * 8; cpu++)
        {
            if ((mask[cpu / 8] & (1 << (cpu % 8))) != 0)
                cpus.Add(cpu);
        }
        return cpus;
    }

    private static int? ReadTopology(int cpu, string file)
    {
        try
        {
            string text = File.ReadAllText($"/sys/devices/system/cpu/cpu{cpu.ToString(CultureInfo.InvariantCulture)}/topology/{file}").Trim();
            return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Room for 8192 CPUs, as glibc's default cpu_set_t holds 1024.</summary>
    private const int MaskBytes = 1024;

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, byte[] mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int pid, nuint size, byte[] mask);
}
