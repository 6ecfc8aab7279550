using System.Globalization;
using System.Runtime.InteropServices;
using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>
/// The variables one rank gets on top of its starter's environment: the job's additions
/// (<c>-x</c>, option variables), its app context's own, Hpc's identity contract
/// (<see cref="JobEnvironment"/>), and the names Open MPI and MPICH's Hydra give the same facts,
/// so programs and scripts written for them find their rank.
/// </summary>
/// <remarks>
/// Open MPI: <c>OMPI_COMM_WORLD_RANK</c>, <c>_SIZE</c>, <c>_LOCAL_RANK</c>, <c>_LOCAL_SIZE</c>,
/// <c>_NODE_RANK</c> (the same as the local rank: one job per host), <c>OMPI_UNIVERSE_SIZE</c>
/// and <c>OMPI_APPNUM</c> (the MPMD program's index). PMI/Hydra: <c>PMI_RANK</c>, <c>PMI_SIZE</c>,
/// <c>MPI_LOCALRANKID</c>, <c>MPI_LOCALNRANKS</c>. <c>PMI_FD</c>/<c>PMI_PORT</c> are deliberately
/// not set: there is no PMI server, and a program that found them would try to talk to one.
/// </remarks>
internal static class RankEnvironment
{
    /// <summary>
    /// The .NET runtime's size from which arrays go to the large-object heap. Ranks get 2 MiB
    /// (the runtime's default is 85,000 bytes): message-passing programs allocate buffers per
    /// message (a task's arguments and result, MPI.NET's <c>Receive</c> of an array), and
    /// large-object space is reused only after a full collection, so every such buffer landed on
    /// fresh pages, which cost ~12 µs per 4 KiB page on the VM this was measured on; in the young
    /// generation the same pages serve again after each cheap collection. Measured 2026-12-07,
    /// `hpc-bench tasks` map_1mib (1 MiB in and out per task, np 4): 119-135 tasks/s before,
    /// 251-262 with 2 MiB, in alternating runs.
    /// </summary>
    public const string LargeObjectThresholdVariable = "DOTNET_GCLOHThreshold";

    /// <summary>The value of <see cref="LargeObjectThresholdVariable"/> ranks get by default (hexadecimal, as the runtime reads it).</summary>
    public const string LargeObjectThreshold = "0x200000";

    /// <summary>
    /// Which garbage collector the runtime loads. Ranks get the segments collector that ships
    /// beside the runtime (<see cref="SegmentsCollector"/>, the default up to .NET 6): after a
    /// young-generation collection it allocates again on the same, already touched pages, where
    /// the regions collector (the default since .NET 7) moves on to other regions and a buffer
    /// per message keeps touching fresh pages. Measured 2026-12-07 (np 4, map_1mib, alternating
    /// single runs): 861-967 tasks/s with the regions collector, 1,732-1,983 with segments; ping-pong
    /// 4 B-4 MiB, start-up and an allocation-bound loop unchanged.
    /// </summary>
    /// <remarks>
    /// A larger young generation (<c>DOTNET_GCgen0size</c>) is deliberately not a default: 64 MiB
    /// took map_1mib to 3,010-3,339 tasks/s, but made a loop that allocates small arrays 15 %
    /// slower (its allocations no longer stay in the cache) and its first 64 MiB of allocation
    /// ~200 ms slower (fresh pages); launcher/README.md tells programs that allocate a large
    /// buffer per message how to ask for it.
    /// </remarks>
    public const string CollectorVariable = "DOTNET_GCName";

    /// <summary>The segments collector's library, in the shared runtime's folder on Linux since .NET 7.</summary>
    public const string SegmentsCollector = "libclrgc.so";

    /// <summary>
    /// The garbage-collector settings every rank gets unless the launcher's environment already
    /// names the variable (then the rank inherits the user's value; <c>-x</c> overrides either).
    /// The segments collector is named only when its library is beside the runtime the launcher
    /// runs on: a runtime that cannot load the collector it is told to does not start.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> CollectorDefaults(string runtimeDirectory)
    {
        var defaults = new List<KeyValuePair<string, string>>(2) { new(LargeObjectThresholdVariable, LargeObjectThreshold) };
        if (File.Exists(Path.Combine(runtimeDirectory, SegmentsCollector)))
            defaults.Add(new(CollectorVariable, SegmentsCollector));
        return UnlessNamed(defaults, Environment.GetEnvironmentVariable);
    }

    /// <summary>The settings whose variable <paramref name="environment"/> (the launcher's) does not name: a user's own value always wins.</summary>
    private static IEnumerable<KeyValuePair<string, string>> UnlessNamed(IEnumerable<KeyValuePair<string, string>> defaults, Func<string, string?> environment) =>
        defaults.Where(setting => environment(setting.Key) is null);

    /// <summary>
    /// Whether the JIT compiles a method with a loop quickly first (tier 0, replaced once the method
    /// has run often) or optimized at once. Ranks get optimized at once (<c>0</c>, the runtime's
    /// default up to .NET 6): the loops that matter in a rank, a reduction's vector kernel (the
    /// System.Numerics.Tensors package ships without precompiled code) or the program's own compute
    /// loop, run a few long calls, too few to be replaced, so a large Allreduce ran tier-0 code.
    /// Measured 2026-12-08, np 2, bench/mpinet-compare (MPI.NET API on Hpc.MpiNet), two runs each:
    /// Allreduce of 2 KiB / 64 KiB / 512 KiB / 8 MiB 2.37-2.44 / 14.2 / 95.5-97.9 / 1,626-1,754 µs
    /// by default, 1.42-1.50 / 8.4-8.5 / 51.6-54.1 / 995-1,007 µs with this; start-up of an np 8
    /// hello (Mpi.Init, one Allreduce) unchanged (1.21-1.37 s against 1.27-1.30 s).
    /// </summary>
    public const string QuickJitForLoopsVariable = "DOTNET_TC_QuickJitForLoops";

    /// <summary>
    /// The JIT settings every rank gets unless the launcher's environment already names the
    /// variable (then the rank inherits the user's value; <c>-x</c> overrides either).
    /// </summary>
    /// <param name="environment">Reads the launcher's environment (tests pass their own).</param>
    public static IEnumerable<KeyValuePair<string, string>> CompilerDefaults(Func<string, string?>? environment = null) =>
        UnlessNamed([new(QuickJitForLoopsVariable, "0")], environment ?? Environment.GetEnvironmentVariable);

    /// <summary>The additions for rank <paramref name="rank"/> of the job, in order (later wins); <paramref name="pinnedCores"/>: the cores this host's ranks are pinned to, if any.</summary>
    public static List<KeyValuePair<string, string>> For(JobSpec spec, int rank, string rendezvous, string jobId, string secret, JobNetwork network, int? pinnedCores = null)
    {
        static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        int app = spec.AppIndexOf(rank);
        // Without a host list every rank is local.
        string localRank = Text(spec.Placement?.LocalRankOf(rank) ?? rank);
        string localSize = Text(spec.Placement?.LocalSizeOf(rank) ?? spec.Ranks);
        string size = Text(spec.Ranks);
        var variables = new List<KeyValuePair<string, string>>(spec.Environment.Count + 24);
        // First, so that -x overrides them; never over a value the user's environment already has.
        variables.AddRange(CollectorDefaults(RuntimeEnvironment.GetRuntimeDirectory()));
        variables.AddRange(CompilerDefaults());
        variables.AddRange(spec.Environment);
        variables.AddRange(spec.Apps[app].Environment);
        variables.AddRange(
        [
            new(JobEnvironment.RankVariable, Text(rank)),
            new(JobEnvironment.SizeVariable, size),
            new(JobEnvironment.LocalRankVariable, localRank),
            new(JobEnvironment.LocalSizeVariable, localSize),
            new(JobEnvironment.RendezvousVariable, rendezvous),
            new(JobEnvironment.JobIdVariable, jobId),
            new(JobEnvironment.SecretVariable, secret),
            new("OMPI_COMM_WORLD_RANK", Text(rank)),
            new("OMPI_COMM_WORLD_SIZE", size),
            new("OMPI_COMM_WORLD_LOCAL_RANK", localRank),
            new("OMPI_COMM_WORLD_LOCAL_SIZE", localSize),
            new("OMPI_COMM_WORLD_NODE_RANK", localRank),
            new("OMPI_UNIVERSE_SIZE", size),
            new("OMPI_APPNUM", Text(app)),
            new("PMI_RANK", Text(rank)),
            new("PMI_SIZE", size),
            new("MPI_LOCALRANKID", localRank),
            new("MPI_LOCALNRANKS", localSize),
        ]);
        // Ranks decide who shares their host (shared memory) by this name, not by their
        // machine's: placement is what the user asked for, and containers or network
        // namespaces can give different hosts the same machine name.
        if (spec.Placement is { } placement)
            variables.Add(new(JobEnvironment.HostNameVariable, placement.HostOf(rank)));
        if (network.SpansHosts)
            variables.Add(new(JobEnvironment.BindAddressVariable, network.Address.ToString()));
        // A pinned rank sees one core; its wait path needs to know how many the host's ranks have.
        if (pinnedCores is int cores)
            variables.Add(new(JobEnvironment.HostCoresVariable, Text(cores)));
        return variables;
    }
}
