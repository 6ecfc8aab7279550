using Hpc.Bootstrap;

namespace Hpc.Launcher;

/// <summary>
/// Checks the <c>HPC_*</c> settings every rank will see (mpirun's environment, <c>-x</c>, and
/// the option variables such as <c>--coll</c>'s <c>HPC_COLL</c>) before any rank starts, with the
/// library's own parser (<see cref="RuntimeOptions.FromVariables"/>, the one a rank's Init uses),
/// so a typo is one line from mpirun and exit 2 instead of every rank failing at start-up.
/// </summary>
internal static class SettingsCheck
{
    /// <summary>Validates the settings of every program of <paramref name="spec"/>; <paramref name="lookup"/> reads mpirun's environment.</summary>
    /// <exception cref="UsageException">A setting is malformed; the message names the variable, its value and the valid ones.</exception>
    public static void Validate(JobSpec spec, Func<string, string?> lookup)
    {
        foreach (JobProgram app in spec.Apps)
        {
            // What a rank of this program sees: its context's -x over the job's over mpirun's environment.
            var added = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((string name, string value) in spec.Environment.Concat(app.Environment))
                added[name] = value;
            string? Seen(string name) => added.TryGetValue(name, out string? value) ? value : lookup(name);
            try
            {
                _ = RuntimeOptions.FromVariables(Seen);
            }
            catch (HpcException e)
            {
                throw new UsageException(e.Message);
            }
        }
    }
}
