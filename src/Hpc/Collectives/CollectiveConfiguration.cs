using Hpc.Bootstrap;

namespace Hpc.Collectives;

/// <summary>
/// The job-wide inputs of algorithm selection: overrides from <c>HPC_COLL</c> and the table
/// from <c>HPC_TUNE_FILE</c>. Every rank of a job reads the same environment, so all ranks of a
/// communicator choose the same algorithm — which they must, or they would exchange
/// mismatched messages.
/// </summary>
internal sealed class CollectiveConfiguration(CollectiveOverrides overrides, TuningTable tuning)
{
    /// <summary>No overrides, no tuning file: the built-in table only.</summary>
    public static CollectiveConfiguration BuiltIn { get; } = new(CollectiveOverrides.None, TuningTable.Empty);

    public CollectiveOverrides Overrides { get; } = overrides;

    public TuningTable Tuning { get; } = tuning;

    /// <summary>The configured algorithm value (override first, then tuning table), or 0 (built-in decides).</summary>
    public int Choose(Collective collective, int ranks, long bytes)
    {
        int forced = Overrides.For(collective);
        return forced != 0 ? forced : Tuning.Lookup(collective, ranks, bytes);
    }

    /// <summary>Reads the configuration through <paramref name="lookup"/> (part of <see cref="Bootstrap.RuntimeOptions"/>).</summary>
    /// <exception cref="HpcException">HPC_COLL or the tuning file is malformed, or the file cannot be read.</exception>
    public static CollectiveConfiguration FromVariables(Func<string, string?> lookup)
    {
        string? spec = lookup(JobEnvironment.CollectiveOverridesVariable);
        CollectiveOverrides overrides;
        try
        {
            overrides = CollectiveOverrides.Parse(spec);
        }
        catch (FormatException e)
        {
            throw new HpcException($"{JobEnvironment.CollectiveOverridesVariable}='{spec}': {e.Message}", e);
        }

        string? path = lookup(JobEnvironment.TuningFileVariable);
        TuningTable tuning = TuningTable.Empty;
        if (!string.IsNullOrWhiteSpace(path))
        {
            try
            {
                tuning = TuningTable.Load(path);
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                throw new HpcException($"{JobEnvironment.TuningFileVariable}: {e.Message}", e);
            }
        }
        return new CollectiveConfiguration(overrides, tuning);
    }
}
