using System.Net;
using Hpc.Collectives;

namespace Hpc.Bootstrap;

/// <summary>How ranks on one host reach each other (<c>HPC_TRANSPORT</c>).</summary>
internal enum TransportChoice
{
    /// <summary>Shared memory between ranks on one host, TCP between hosts.</summary>
    Auto,
    /// <summary>Shared memory only: a rank on another host is an error.</summary>
    SharedMemory,
    /// <summary>TCP between every pair, even on one host.</summary>
    Tcp,
}

/// <summary>
/// Every <c>HPC_*</c> setting of a rank, parsed once and passed down to the layers that use it:
/// no layer reads the environment or keeps settings in static fields, so two worlds in one
/// process (the ranks-as-threads tests) can run with different settings side by side. The
/// launcher parses the same variables with <see cref="FromVariables"/> before it starts any rank,
/// so a bad value is reported once, by mpirun, in one line that names the variable and the
/// values it accepts.
/// </summary>
internal sealed record RuntimeOptions
{
    /// <summary>Variable of <see cref="Transport"/>.</summary>
    public const string TransportVariable = "HPC_TRANSPORT";
    /// <summary>Variable of <see cref="EagerLimit"/>.</summary>
    public const string EagerLimitVariable = "HPC_EAGER_LIMIT";
    /// <summary>Variable of <see cref="SpinMicroseconds"/>.</summary>
    public const string SpinVariable = "HPC_SPIN_US";
    /// <summary>Variable of <see cref="TimeSliceMicroseconds"/>.</summary>
    public const string TimeSliceVariable = "HPC_SLICE_US";
    /// <summary>Variable of <see cref="SingleCopy"/>.</summary>
    public const string SingleCopyVariable = "HPC_SINGLE_COPY";
    /// <summary>Variable of <see cref="Verbose"/>.</summary>
    public const string VerboseVariable = "HPC_VERBOSE";
    /// <summary>Variable of <see cref="SharedMemoryCollectives"/>.</summary>
    public const string SharedMemoryCollectivesVariable = "HPC_SHM_COLLECTIVES";
    /// <summary>Variable of <see cref="DirectWake"/>.</summary>
    public const string DirectWakeVariable = "HPC_DIRECT_WAKE";
    /// <summary>Variable of <see cref="CheckCollectives"/>.</summary>
    public const string CheckVariable = "HPC_CHECK";
    /// <summary>Variable of <see cref="Profile"/>.</summary>
    public const string ProfileVariable = "HPC_PROFILE";
    /// <summary>Variable of <see cref="Trace"/>.</summary>
    public const string TraceVariable = "HPC_TRACE";
    /// <summary>Variable of <see cref="FlightRecorderSize"/>.</summary>
    public const string FlightRecorderVariable = "HPC_FLIGHT_RECORDER";

    /// <summary>Largest eager message any link accepts: one rendezvous chunk.</summary>
    public const long MaxEagerLimit = 1 << 20;

    /// <summary>The settings of a rank whose environment names none of the variables.</summary>
    public static RuntimeOptions Default { get; } = new();

    /// <summary>Which transport links ranks on one host (<c>HPC_TRANSPORT</c>: auto, shm, tcp; default auto).</summary>
    public TransportChoice Transport { get; init; } = TransportChoice.Auto;

    /// <summary>
    /// Bytes up to which messages travel eagerly (<c>HPC_EAGER_LIMIT</c>); null leaves each transport
    /// its own default (TCP 64 KiB, shared memory 64 KiB, 16 KiB with more than 16 ranks). Shared memory caps it at what one ring
    /// record holds.
    /// </summary>
    public long? EagerLimit { get; init; }

    /// <summary>
    /// A fixed spin budget in microseconds for blocked calls (<c>HPC_SPIN_US</c>); null lets the
    /// wait path adapt the budget to what recent waits cost (the default).
    /// </summary>
    public long? SpinMicroseconds { get; init; }

    /// <summary>
    /// The time slice every thread of a launched rank asks the kernel for, in microseconds
    /// (<c>HPC_SLICE_US</c>, 100 to 100000, default 100; 0 keeps the kernel's default): a short slice
    /// lets a rank woken by a message preempt a CPU-bound process on its core (see <c>TimeSlice</c>).
    /// </summary>
    public long TimeSliceMicroseconds { get; init; } = Messaging.Waiting.TimeSlice.DefaultMicroseconds;

    /// <summary>
    /// A blocked call with TCP peers sleeps in poll(2) on its sockets (and on its inbox's bell)
    /// itself and reads what wakes it (<c>HPC_DIRECT_WAKE</c>, default 1); 0 leaves its blocked
    /// phase to the background readers, which then wake it (two wake-ups per message).
    /// </summary>
    public bool DirectWake { get; init; } = true;

    /// <summary>Large shared-memory messages by one kernel copy where allowed (<c>HPC_SINGLE_COPY</c>, default 1).</summary>
    public bool SingleCopy { get; init; } = true;

    /// <summary>Ranks say which paths they take (<c>HPC_VERBOSE</c>, default 0).</summary>
    public bool Verbose { get; init; }

    /// <summary>Collectives of a world on one host work on shared buffers (<c>HPC_SHM_COLLECTIVES</c>, default 1).</summary>
    public bool SharedMemoryCollectives { get; init; } = true;

    /// <summary>Every collective verifies that all ranks called it alike (<c>HPC_CHECK</c>, default 0).</summary>
    public bool CheckCollectives { get; init; }

    /// <summary>Every call is timed and counted, and the counters go to mpirun at Finalize (<c>HPC_PROFILE</c>, set by <c>mpirun --profile</c>; default 0).</summary>
    public bool Profile { get; init; }

    /// <summary>Every call becomes a span of mpirun's trace file (<c>HPC_TRACE</c>, set by <c>mpirun --trace</c>; default 0).</summary>
    public bool Trace { get; init; }

    /// <summary>Calls each thread's flight recorder keeps for the hang report (<c>HPC_FLIGHT_RECORDER</c>, 1 to 65536, default 16).</summary>
    public int FlightRecorderSize { get; init; } = CallTracker.DefaultRecorderSize;

    /// <summary>Address the rank's TCP listener binds to (<c>HPC_BIND_ADDRESS</c>, default 127.0.0.1).</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Host name given by the launcher's placement (<c>HPC_HOST_NAME</c>); null: the machine's.</summary>
    public string? HostName { get; init; }

    /// <summary>Algorithm overrides (<c>HPC_COLL</c>) and the tuning table (<c>HPC_TUNE_FILE</c>).</summary>
    public CollectiveConfiguration Collectives { get; init; } = CollectiveConfiguration.BuiltIn;

    /// <summary>Every variable these options read, for documentation and the launcher.</summary>
    public static IReadOnlyList<string> Variables { get; } =
    [
        TransportVariable, EagerLimitVariable, SpinVariable, TimeSliceVariable, DirectWakeVariable, SingleCopyVariable, VerboseVariable, SharedMemoryCollectivesVariable,
        CheckVariable, ProfileVariable, TraceVariable, FlightRecorderVariable, JobEnvironment.BindAddressVariable, JobEnvironment.HostNameVariable,
        JobEnvironment.CollectiveOverridesVariable, JobEnvironment.TuningFileVariable,
    ];

    /// <summary>Parses the settings of this process's environment.</summary>
    /// <exception cref="HpcException">A variable has a value it does not accept; the message names both and the valid values.</exception>
    public static RuntimeOptions FromEnvironment() => FromVariables(ProcessEnvironment.Lookup);

    /// <summary>Parses the settings through <paramref name="lookup"/> (a variable's value, or null when unset).</summary>
    /// <exception cref="HpcException">A variable has a value it does not accept; the message names both and the valid values.</exception>
    public static RuntimeOptions FromVariables(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        return new RuntimeOptions
        {
            Transport = Read(lookup, TransportVariable, "one of: auto, shm, tcp", TransportChoice.Auto, text => text switch
            {
                "auto" => TransportChoice.Auto,
                "shm" => TransportChoice.SharedMemory,
                "tcp" => TransportChoice.Tcp,
                _ => null,
            }),
            EagerLimit = ReadNullable(lookup, EagerLimitVariable, $"a byte count from 0 to {MaxEagerLimit}",
                text => ParseLong(text) is long value && value is >= 0 and <= MaxEagerLimit ? value : null),
            SpinMicroseconds = ReadNullable(lookup, SpinVariable, "a number of microseconds from 0 to 1000000, or 'auto'",
                text => ParseLong(text) is long value && value is >= 0 and <= 1_000_000 ? value : null, unsetWord: "auto"),
            TimeSliceMicroseconds = ReadNullable(lookup, TimeSliceVariable,
                $"a number of microseconds from {Messaging.Waiting.TimeSlice.MinMicroseconds} to {Messaging.Waiting.TimeSlice.MaxMicroseconds}, or 0 for the kernel's default",
                text => ParseLong(text) is long value && (value == 0 || value is >= Messaging.Waiting.TimeSlice.MinMicroseconds and <= Messaging.Waiting.TimeSlice.MaxMicroseconds) ? value : null)
                ?? Messaging.Waiting.TimeSlice.DefaultMicroseconds,
            DirectWake = ReadFlag(lookup, DirectWakeVariable, defaultValue: true),
            SingleCopy = ReadFlag(lookup, SingleCopyVariable, defaultValue: true),
            Verbose = ReadFlag(lookup, VerboseVariable, defaultValue: false),
            SharedMemoryCollectives = ReadFlag(lookup, SharedMemoryCollectivesVariable, defaultValue: true),
            CheckCollectives = ReadFlag(lookup, CheckVariable, defaultValue: false),
            Profile = ReadFlag(lookup, ProfileVariable, defaultValue: false),
            Trace = ReadFlag(lookup, TraceVariable, defaultValue: false),
            FlightRecorderSize = (int)(ReadNullable(lookup, FlightRecorderVariable, "a number of calls from 1 to 65536",
                text => ParseLong(text) is long value && value is >= 1 and <= 65536 ? value : null) ?? CallTracker.DefaultRecorderSize),
            BindAddress = Read(lookup, JobEnvironment.BindAddressVariable, "an IP address", IPAddress.Loopback,
                text => IPAddress.TryParse(text, out IPAddress? address) ? address : null),
            HostName = lookup(JobEnvironment.HostNameVariable) is { Length: > 0 } host ? host : null,
            Collectives = CollectiveConfiguration.FromVariables(lookup),
        };
    }

    private static long? ParseLong(string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : null;

    private static T Read<T>(Func<string, string?> lookup, string name, string valid, T defaultValue, Func<string, T?> parse)
        where T : class =>
        lookup(name) is not { } text || text.Length == 0 ? defaultValue : parse(text.Trim()) ?? throw Invalid(name, text, valid);

    private static T Read<T>(Func<string, string?> lookup, string name, string valid, T defaultValue, Func<string, T?> parse)
        where T : struct =>
        lookup(name) is not { } text || text.Length == 0 ? defaultValue : parse(text.Trim()) ?? throw Invalid(name, text, valid);

    private static long? ReadNullable(Func<string, string?> lookup, string name, string valid, Func<string, long?> parse, string? unsetWord = null)
    {
        if (lookup(name) is not { } text || text.Length == 0 || text.Trim() == unsetWord)
            return null;
        return parse(text.Trim()) ?? throw Invalid(name, text, valid);
    }

    private static bool ReadFlag(Func<string, string?> lookup, string name, bool defaultValue) =>
        Read<bool>(lookup, name, "one of: 1, 0, true, false", defaultValue, text => text.ToLowerInvariant() switch
        {
            "1" or "true" or "yes" or "on" => true,
            "0" or "false" or "no" or "off" => false,
            _ => null,
        });

    private static HpcException Invalid(string name, string text, string valid) => new($"{name}='{text}' is not {valid}");
}
