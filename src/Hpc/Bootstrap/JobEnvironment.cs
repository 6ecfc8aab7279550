namespace Hpc.Bootstrap;

/// <summary>
/// The environment contract between <c>mpirun</c> and a rank: everything a process needs to
/// know who it is and where to find the others. A process started without the launcher sees
/// none of these variables and becomes rank 0 of a world of size 1.
/// </summary>
public sealed record JobEnvironment(
    int Rank,
    int Size,
    int LocalRank,
    int LocalSize,
    string? RendezvousAddress,
    string JobId,
    string? Secret)
{
    /// <summary>World rank of this process (<c>HPC_RANK</c>).</summary>
    public const string RankVariable = "HPC_RANK";
    /// <summary>Number of processes in the job (<c>HPC_SIZE</c>).</summary>
    public const string SizeVariable = "HPC_SIZE";
    /// <summary>Rank among the processes on this host (<c>HPC_LOCAL_RANK</c>).</summary>
    public const string LocalRankVariable = "HPC_LOCAL_RANK";
    /// <summary>Number of processes on this host (<c>HPC_LOCAL_SIZE</c>).</summary>
    public const string LocalSizeVariable = "HPC_LOCAL_SIZE";
    /// <summary>
    /// Cores the launcher pinned this host's ranks to (<c>HPC_HOST_CORES</c>; unset when it pinned
    /// none): a pinned rank's own view of the machine (<see cref="Environment.ProcessorCount"/>) is its one core.
    /// </summary>
    public const string HostCoresVariable = "HPC_HOST_CORES";
    /// <summary><c>host:port</c> of the launcher's rendezvous endpoint (<c>HPC_RENDEZVOUS</c>).</summary>
    public const string RendezvousVariable = "HPC_RENDEZVOUS";
    /// <summary>Identifier of the job, unique per launch (<c>HPC_JOB_ID</c>).</summary>
    public const string JobIdVariable = "HPC_JOB_ID";
    /// <summary>Per-job secret (hex) that every connection must prove (<c>HPC_JOB_SECRET</c>).</summary>
    public const string SecretVariable = "HPC_JOB_SECRET";
    /// <summary>
    /// Name of the host this rank was placed on (<c>HPC_HOST_NAME</c>); ranks with the same name share
    /// memory, others use TCP. Set by the launcher when hosts are given; otherwise the machine's host name is used.
    /// </summary>
    public const string HostNameVariable = "HPC_HOST_NAME";
    /// <summary>Address that this rank's TCP listener binds to (<c>HPC_BIND_ADDRESS</c>, default loopback).</summary>
    public const string BindAddressVariable = "HPC_BIND_ADDRESS";
    /// <summary>Per-job collective algorithm overrides, e.g. <c>allreduce=ring,bcast=binomial</c> (<c>HPC_COLL</c>).</summary>
    public const string CollectiveOverridesVariable = "HPC_COLL";
    /// <summary>Path of a tuning file written by <c>hpc-bench tune</c> (<c>HPC_TUNE_FILE</c>).</summary>
    public const string TuningFileVariable = "HPC_TUNE_FILE";

    /// <summary>Identifier of the spawn that started this process (<c>HPC_SPAWN_ID</c>); unset in a job mpirun started directly.</summary>
    public const string SpawnIdVariable = "HPC_SPAWN_ID";
    /// <summary>Number of processes that spawned this process's world (<c>HPC_SPAWN_PARENTS</c>), with <see cref="SpawnIdVariable"/>.</summary>
    public const string SpawnParentsVariable = "HPC_SPAWN_PARENTS";

    /// <summary>The spawn that started this world (<see cref="SpawnIdVariable"/>), or null when it was not spawned.</summary>
    public string? SpawnId { get; init; }

    /// <summary>Number of parent processes of a spawned world; 0 when it was not spawned.</summary>
    public int SpawnParents { get; init; }

    /// <summary>True when the process was started by the launcher or directly by another one (a rendezvous address is set).</summary>
    public bool IsLaunched => RendezvousAddress is not null;

    /// <summary>
    /// Where a directly launched rank's identity came from (a Slurm step, <c>HPC_COORDINATOR</c>),
    /// for error messages; null under mpirun and for a singleton (<see cref="DirectLaunch"/>).
    /// </summary>
    public string? DirectLaunchSource { get; init; }

    /// <summary>True when this rank hosts the job's rendezvous itself: rank 0 of a direct launch.</summary>
    public bool HostsRendezvous => DirectLaunchSource is not null && Rank == 0;

    /// <summary>The host name the external launcher placed this rank on (Slurm's <c>SLURMD_NODENAME</c>); null: the options' or the machine's.</summary>
    public string? NodeName { get; init; }

    /// <summary>
    /// True when the rank's TCP listener should bind to the address its connection to the
    /// coordinator left from (direct launch without <c>HPC_BIND_ADDRESS</c>): an address of this
    /// host on the network the job's ranks share.
    /// </summary>
    public bool BindsWhereCoordinatorIsReached { get; init; }

    /// <summary>Cores this host's ranks were pinned to by the launcher (<c>HPC_HOST_CORES</c>); null when they were not pinned.</summary>
    public int? HostCores { get; init; }

    /// <summary>The contract of a process started alone: rank 0 of 1, no rendezvous.</summary>
    public static JobEnvironment Singleton { get; } =
        new(0, 1, 0, 1, null, "singleton-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture), null);

    /// <summary>
    /// Reads the contract from the process environment: mpirun's variables, else a direct
    /// launch's (<see cref="DirectLaunch"/>: a Slurm step or <c>HPC_COORDINATOR</c>), else a singleton.
    /// </summary>
    /// <exception cref="InvalidOperationException">A variable is present but malformed; the message names it.</exception>
    public static JobEnvironment FromEnvironment() => FromVariables(ProcessEnvironment.Lookup);

    /// <summary>Reads the contract through <paramref name="lookup"/> (testable form of <see cref="FromEnvironment"/>).</summary>
    public static JobEnvironment FromVariables(Func<string, string?> lookup)
    {
        string? rendezvous = lookup(RendezvousVariable);
        if (string.IsNullOrEmpty(rendezvous))
            return DirectLaunch.FromVariables(lookup) ?? Singleton;

        int size = ReadInt(lookup, SizeVariable, min: 1);
        int rank = ReadInt(lookup, RankVariable, min: 0);
        if (rank >= size)
            throw new InvalidOperationException($"{RankVariable}={rank} is not below {SizeVariable}={size}.");
        int localSize = lookup(LocalSizeVariable) is null ? size : ReadInt(lookup, LocalSizeVariable, min: 1);
        int localRank = lookup(LocalRankVariable) is null ? rank : ReadInt(lookup, LocalRankVariable, min: 0);
        string jobId = lookup(JobIdVariable) ?? throw new InvalidOperationException($"{JobIdVariable} is not set.");
        string secret = lookup(SecretVariable) ?? throw new InvalidOperationException($"{SecretVariable} is not set.");
        int? hostCores = lookup(HostCoresVariable) is null ? null : ReadInt(lookup, HostCoresVariable, min: 1);
        string? spawnId = lookup(SpawnIdVariable);
        int spawnParents = string.IsNullOrEmpty(spawnId) ? 0 : ReadInt(lookup, SpawnParentsVariable, min: 1);
        return new JobEnvironment(rank, size, localRank, localSize, rendezvous, jobId, secret)
        {
            HostCores = hostCores,
            SpawnId = string.IsNullOrEmpty(spawnId) ? null : spawnId,
            SpawnParents = spawnParents,
        };
    }

    private static int ReadInt(Func<string, string?> lookup, string name, int min)
    {
        string? text = lookup(name);
        if (text is null)
            throw new InvalidOperationException($"{name} is not set although {RendezvousVariable} is.");
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min)
            throw new InvalidOperationException($"{name}='{text}' is not an integer >= {min}.");
        return value;
    }
}
