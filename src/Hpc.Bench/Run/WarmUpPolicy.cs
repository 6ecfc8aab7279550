namespace Hpc.Bench.Run;

/// <summary>
/// When the warm-up before the first size has done its job: the batches' times have settled.
/// A pure decision on the times so far, so it is tested without timing anything.
/// </summary>
internal static class WarmUpPolicy
{
    /// <summary>Batches of untimed calls before the first size: at least this many.</summary>
    public const int MinimumBatches = 3;

    /// <summary>At most this long, on a machine too noisy to settle.</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromSeconds(1);

    /// <summary>A batch is steady when its time is within this factor of the best batch before it.</summary>
    public const double SteadyFactor = 1.1;

    /// <summary>
    /// Whether another batch should run, given every batch's time so far (oldest first) and the
    /// time spent: yes until <see cref="MinimumBatches"/> ran and the last two agree — the last
    /// within <see cref="SteadyFactor"/> of the best before it, and the one before not slower
    /// than the last by more than that (times still falling have not settled) — unless
    /// <see cref="Maximum"/> has passed.
    /// </summary>
    public static bool KeepWarming(IReadOnlyList<double> batches, TimeSpan elapsed)
    {
        if (elapsed >= Maximum)
            return false;
        if (batches.Count < MinimumBatches)
            return true;
        double last = batches[^1], previous = batches[^2];
        double bestBefore = batches.Take(batches.Count - 1).Min();
        bool steady = last <= bestBefore * SteadyFactor && previous <= last * SteadyFactor;
        return !steady;
    }
}
