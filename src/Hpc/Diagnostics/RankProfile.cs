using System.Text.Json;

namespace Hpc.Diagnostics;

/// <summary>One call kind's counters on one rank.</summary>
/// <param name="Kind">The call (<c>Allreduce</c>, <c>Send</c>…).</param>
/// <param name="Calls">How many calls ended.</param>
/// <param name="Bytes">Bytes they moved as the caller counts them: count × element size (what this rank sent, or received for Receive).</param>
/// <param name="Seconds">Wall time inside them.</param>
internal sealed record KindProfile(string Kind, long Calls, long Bytes, double Seconds);

/// <summary>
/// What one rank sends mpirun at Finalize for <c>--profile</c>: its wall time from the end of
/// Init to the start of Finalize, and per call kind its counters. Communication time is the time
/// inside Hpc calls; compute time is the rest of the wall time.
/// </summary>
internal sealed record RankProfile(int Rank, string Host, double WallSeconds, IReadOnlyList<KindProfile> Kinds)
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Seconds inside Hpc calls, all kinds together.</summary>
    public double CommunicationSeconds => Kinds.Sum(k => k.Seconds);

    /// <summary>The rank's counters from its tracker, with wall time up to now.</summary>
    public static RankProfile From(CallTracker tracker, int rank, string host)
    {
        (long Calls, long Bytes, long Ticks)[] totals = tracker.Totals();
        var kinds = new List<KindProfile>();
        for (int k = 0; k < totals.Length; k++)
        {
            if (totals[k].Calls > 0 && (CallKind)k != CallKind.Wait)
                kinds.Add(new KindProfile(CallKinds.Name((CallKind)k), totals[k].Calls, totals[k].Bytes, totals[k].Ticks / (double)Stopwatch.Frequency));
        }
        double wall = (Stopwatch.GetTimestamp() - tracker.Origin) / (double)Stopwatch.Frequency;
        return new RankProfile(rank, host, wall, kinds);
    }

    /// <summary>The one-line JSON form that travels to mpirun.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Reads <see cref="ToJson"/>'s output; null when it is not a profile.</summary>
    public static RankProfile? FromJson(string json) => ControlJson.Read<RankProfile>(json, s_json);
}
