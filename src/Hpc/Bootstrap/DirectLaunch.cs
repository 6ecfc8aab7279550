namespace Hpc.Bootstrap;

/// <summary>
/// Direct launch: ranks started by something other than mpirun find their identity and their
/// peers from that launcher's variables, and rank 0 hosts the same rendezvous mpirun would
/// (<see cref="DirectLaunchHost"/>). Two sources, the explicit one first:
/// <list type="number">
/// <item><b>env://</b>, for any launcher that sets rank, size and a coordinator address, as
/// torchrun does: <c>HPC_COORDINATOR=host:port</c> with <c>HPC_RANK</c>/<c>HPC_SIZE</c> (or
/// torchrun's <c>RANK</c>/<c>WORLD_SIZE</c>), optional <c>HPC_LOCAL_RANK</c>/<c>HPC_LOCAL_SIZE</c>
/// (or <c>LOCAL_RANK</c>/<c>LOCAL_WORLD_SIZE</c>), <c>HPC_JOB_ID</c> and <c>HPC_JOB_SECRET</c>.
/// torchrun's <c>MASTER_ADDR</c>/<c>MASTER_PORT</c> are deliberately not read: torchrun's own
/// store already listens on MASTER_PORT, and nothing should start a wire-up by accident because
/// a parent process left those variables behind; <c>HPC_COORDINATOR</c> is the one switch.</item>
/// <item><b>A Slurm step</b> (<c>srun -n4 dotnet App.dll</c>): <c>SLURM_PROCID</c>,
/// <c>SLURM_STEP_NUM_TASKS</c>/<c>SLURM_NTASKS</c>, <c>SLURM_LOCALID</c>, <c>SLURM_NODEID</c>,
/// <c>SLURM_STEP_NODELIST</c>, <c>SLURM_STEP_TASKS_PER_NODE</c>, <c>SLURM_JOB_ID</c> and
/// <c>SLURM_STEP_ID</c>. The coordinator is the step's first node (where Slurm puts task 0) at a
/// port derived from the job and step ids (<see cref="SlurmPort"/>), unless <c>HPC_COORDINATOR</c>
/// names another. A batch script or salloc shell is not a step of tasks and stays a singleton.</item>
/// </list>
/// Without <c>HPC_JOB_SECRET</c> the secret is derived from the user's private key file
/// (<see cref="UserKeyFile"/>) and the job's identity, so other users cannot join.
/// <c>HPC_DIRECT_LAUNCH=0</c> turns the Slurm detection off (every srun task a world of one).
/// </summary>
internal static class DirectLaunch
{
    /// <summary><c>host:port</c> where rank 0 hosts the rendezvous (<c>HPC_COORDINATOR</c>).</summary>
    public const string CoordinatorVariable = "HPC_COORDINATOR";
    /// <summary><c>auto</c> (default) or <c>0</c>: whether a Slurm step wires up by itself (<c>HPC_DIRECT_LAUNCH</c>).</summary>
    public const string ModeVariable = "HPC_DIRECT_LAUNCH";

    /// <summary>Lowest port a Slurm step's rendezvous may get; <see cref="SlurmPortCount"/> ports from here.</summary>
    public const int SlurmPortBase = 20000;
    /// <summary>How many ports the Slurm derivation spreads steps over (below Linux's ephemeral range).</summary>
    public const int SlurmPortCount = 10000;

    /// <summary>
    /// The job environment of a directly launched rank, or null when no direct-launch source is
    /// present (the caller then has a singleton).
    /// </summary>
    /// <exception cref="InvalidOperationException">A variable is malformed; the message names it and its valid values.</exception>
    /// <exception cref="HpcException">The user's key file is unsafe or unreadable.</exception>
    public static JobEnvironment? FromVariables(Func<string, string?> lookup)
    {
        string? mode = Text(lookup, ModeVariable);
        bool slurmAllowed = mode switch
        {
            null or "auto" or "1" => true,
            "0" => false,
            _ => throw new InvalidOperationException($"{ModeVariable}='{mode}' is not one of: auto, 1, 0"),
        };
        string? coordinator = Text(lookup, CoordinatorVariable);
        bool explicitIdentity = Text(lookup, JobEnvironment.RankVariable) is not null || Text(lookup, "RANK") is not null;
        if (coordinator is not null && (explicitIdentity || !slurmAllowed || !IsSlurmStep(lookup)))
            return FromEnvInit(lookup, coordinator);
        if (slurmAllowed && IsSlurmStep(lookup))
            return FromSlurmStep(lookup, coordinator);
        return null;
    }

    /// <summary>True inside a Slurm step of tasks (srun), not in a batch script, salloc shell or extern step.</summary>
    public static bool IsSlurmStep(Func<string, string?> lookup)
    {
        if (Text(lookup, "SLURM_PROCID") is null || StepIdText(lookup) is not { } step)
            return false;
        // Slurm's batch, extern and interactive steps have reserved ids near 2^32; none runs srun's tasks.
        return !ulong.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out ulong id) || id < 0xFFFFFF00UL;
    }

    /// <summary>The rendezvous port of Slurm job <paramref name="jobId"/>'s step <paramref name="stepId"/>: every rank computes the same.</summary>
    public static int SlurmPort(ulong jobId, ulong stepId) =>
        SlurmPortBase + (int)((jobId * 31UL + stepId) % SlurmPortCount);

    private static JobEnvironment FromEnvInit(Func<string, string?> lookup, string coordinator)
    {
        CheckAddress(coordinator, CoordinatorVariable);
        (string sizeName, int size) = ReadFirst(lookup, min: 1, JobEnvironment.SizeVariable, "WORLD_SIZE");
        (string rankName, int rank) = ReadFirst(lookup, min: 0, JobEnvironment.RankVariable, "RANK");
        if (rank >= size)
            throw new InvalidOperationException($"{rankName}={rank} is not below {sizeName}={size}; a rank is 0 to size - 1.");
        (string localSizeName, int localSize) = ReadFirstOptional(lookup, min: 1, size, JobEnvironment.LocalSizeVariable, "LOCAL_WORLD_SIZE");
        (string localRankName, int localRank) = ReadFirstOptional(lookup, min: 0, localSize == size ? rank : 0, JobEnvironment.LocalRankVariable, "LOCAL_RANK");
        if (localRank >= localSize)
            throw new InvalidOperationException($"{localRankName}={localRank} is not below {localSizeName}={localSize}.");
        string jobId = Text(lookup, JobEnvironment.JobIdVariable) is { } given
            ? CheckJobId(given)
            : "env-" + new string([.. coordinator.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
        string secret = Text(lookup, JobEnvironment.SecretVariable) is { } hex
            ? CheckSecret(hex)
            : UserKeyFile.DeriveSecret(UserKeyFile.ReadOrCreate(UserKeyFile.PathFrom(lookup)), "env:" + coordinator + "|" + jobId);
        return new JobEnvironment(rank, size, localRank, localSize, coordinator, jobId, secret)
        {
            DirectLaunchSource = $"{CoordinatorVariable}={coordinator}",
            BindsWhereCoordinatorIsReached = Text(lookup, JobEnvironment.BindAddressVariable) is null,
        };
    }

    private static JobEnvironment? FromSlurmStep(Func<string, string?> lookup, string? coordinator)
    {
        string jobText = Text(lookup, "SLURM_JOB_ID") ?? Text(lookup, "SLURM_JOBID")
            ?? throw new InvalidOperationException("SLURM_JOB_ID is not set although SLURM_PROCID and SLURM_STEP_ID are; direct launch needs the job id.");
        string stepText = StepIdText(lookup)!;
        ulong jobId = ParseId(jobText, "SLURM_JOB_ID");
        ulong stepId = ParseId(stepText, "SLURM_STEP_ID");
        (string sizeName, int size) = ReadFirst(lookup, min: 1, "SLURM_STEP_NUM_TASKS", "SLURM_NTASKS");
        (_, int rank) = ReadFirst(lookup, min: 0, "SLURM_PROCID");
        if (rank >= size)
            throw new InvalidOperationException($"SLURM_PROCID={rank} is not below {sizeName}={size}.");
        if (size == 1)
            return null; // srun -n1: a world of one needs no rendezvous

        string nodeListName = Text(lookup, "SLURM_STEP_NODELIST") is not null ? "SLURM_STEP_NODELIST" : "SLURM_NODELIST";
        string nodeList = Text(lookup, nodeListName)
            ?? throw new InvalidOperationException("SLURM_STEP_NODELIST is not set; direct launch needs the step's nodes (e.g. node[1-3]).");
        IReadOnlyList<string> nodes = Expand(() => SlurmHostList.Expand(nodeList, nodeListName));
        (_, int nodeId) = ReadFirstOptional(lookup, min: 0, 0, "SLURM_NODEID");
        if (nodeId >= nodes.Count)
            throw new InvalidOperationException($"SLURM_NODEID={nodeId} is not below the {nodes.Count} nodes of {nodeListName}='{nodeList}'.");
        (_, int localRank) = ReadFirstOptional(lookup, min: 0, 0, "SLURM_LOCALID");
        int localSize = 1;
        string perNodeName = Text(lookup, "SLURM_STEP_TASKS_PER_NODE") is not null ? "SLURM_STEP_TASKS_PER_NODE" : "SLURM_TASKS_PER_NODE";
        if (Text(lookup, perNodeName) is { } perNode)
        {
            IReadOnlyList<int> counts = Expand(() => SlurmHostList.ExpandTasksPerNode(perNode, perNodeName));
            if (nodeId < counts.Count)
                localSize = counts[nodeId];
        }
        localSize = Math.Max(localSize, localRank + 1);

        string address = coordinator ?? nodes[0] + ":" + SlurmPort(jobId, stepId).ToString(CultureInfo.InvariantCulture);
        if (coordinator is not null)
            CheckAddress(coordinator, CoordinatorVariable);
        string scope = $"slurm:{Text(lookup, "SLURM_CLUSTER_NAME")}:{jobId}.{stepId}";
        string secret = Text(lookup, JobEnvironment.SecretVariable) is { } hex
            ? CheckSecret(hex)
            : UserKeyFile.DeriveSecret(UserKeyFile.ReadOrCreate(UserKeyFile.PathFrom(lookup)), scope);
        string source = coordinator is null
            ? $"Slurm step {jobId}.{stepId} (port derived from SLURM_JOB_ID and SLURM_STEP_ID; set {CoordinatorVariable}=host:port to choose another)"
            : $"Slurm step {jobId}.{stepId}, {CoordinatorVariable}={coordinator}";
        return new JobEnvironment(rank, size, localRank, localSize, address, $"slurm{jobId}.{stepId}", secret)
        {
            DirectLaunchSource = source,
            NodeName = Text(lookup, "SLURMD_NODENAME") ?? nodes[nodeId],
            BindsWhereCoordinatorIsReached = Text(lookup, JobEnvironment.BindAddressVariable) is null,
        };
    }

    private static string? StepIdText(Func<string, string?> lookup) => Text(lookup, "SLURM_STEP_ID") ?? Text(lookup, "SLURM_STEPID");

    private static string? Text(Func<string, string?> lookup, string name) =>
        lookup(name) is { } value && value.Trim().Length > 0 ? value.Trim() : null;

    private static (string Name, int Value) ReadFirst(Func<string, string?> lookup, int min, params string[] names)
    {
        foreach (string name in names)
        {
            if (Text(lookup, name) is { } text)
                return (name, ParseInt(text, name, min));
        }
        throw new InvalidOperationException($"{string.Join(" or ", names)} is not set; direct launch needs it (an integer >= {min}).");
    }

    private static (string Name, int Value) ReadFirstOptional(Func<string, string?> lookup, int min, int fallback, params string[] names)
    {
        foreach (string name in names)
        {
            if (Text(lookup, name) is { } text)
                return (name, ParseInt(text, name, min));
        }
        return (names[0], fallback);
    }

    private static int ParseInt(string text, string name, int min) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min
            ? value
            : throw new InvalidOperationException($"{name}='{text}' is not an integer >= {min}.");

    private static ulong ParseId(string text, string name) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new InvalidOperationException($"{name}='{text}' is not a whole number (Slurm's job and step ids are).");

    private static void CheckAddress(string address, string name)
    {
        try
        {
            LineChannel.ParseAddress(address);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{name}='{address}' is not host:port (e.g. node1:29500, port 1 to 65535).");
        }
    }

    private static string CheckJobId(string id) =>
        id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? id
            : throw new InvalidOperationException($"{JobEnvironment.JobIdVariable}='{id}' is not 1 to 64 letters, digits, '.', '_' or '-'.");

    private static string CheckSecret(string hex) =>
        hex.Length >= 32 && hex.Length % 2 == 0 && hex.All(char.IsAsciiHexDigit)
            ? hex
            : throw new InvalidOperationException($"{JobEnvironment.SecretVariable} is not an even number (at least 32) of hex digits.");

    private static IReadOnlyList<T> Expand<T>(Func<IReadOnlyList<T>> expand)
    {
        try
        {
            return expand();
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException(e.Message);
        }
    }
}
