using System.Diagnostics.Metrics;

namespace Hpc.Diagnostics;

/// <summary>
/// The rank's call counters as <see cref="System.Diagnostics.Metrics"/> instruments of the meter
/// <c>Hpc</c>, readable while a job runs with <c>dotnet-counters monitor -p PID --counters Hpc</c>
/// (or any <see cref="MeterListener"/>, OpenTelemetry's included): <c>hpc.messages</c>
/// (point-to-point calls), <c>hpc.collectives</c>, <c>hpc.bytes</c> and <c>hpc.call.time</c>, each
/// tagged with the call <c>kind</c>. They are observable instruments: nothing is recorded per call
/// beyond the tracker's own counters, and the values are read only when a listener collects.
/// <c>hpc.call.time</c> grows only when calls are timed (<c>--profile</c> or <c>--trace</c>).
/// </summary>
internal static class HpcMetrics
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Hpc";

    private static readonly Meter s_meter = new(MeterName, typeof(HpcMetrics).Assembly.GetName().Version?.ToString());
    private static CallTracker? s_tracker;

    static HpcMetrics()
    {
        s_meter.CreateObservableCounter("hpc.messages", () => Measure(k => !CallKinds.IsCollective(k), t => t.Calls), "{call}",
            "Point-to-point calls (Send, Receive, SendReceive, Probe) this rank has completed");
        s_meter.CreateObservableCounter("hpc.collectives", () => Measure(CallKinds.IsCollective, t => t.Calls), "{call}",
            "Collective calls this rank has completed");
        s_meter.CreateObservableCounter("hpc.bytes", () => Measure(_ => true, t => t.Bytes), "By",
            "Bytes passed to completed calls (count times element size)");
        s_meter.CreateObservableCounter("hpc.call.time", () => Measure(_ => true, t => t.Ticks / (double)Stopwatch.Frequency), "s",
            "Time inside completed calls (grows only with --profile or --trace)");
    }

    /// <summary>Publishes <paramref name="tracker"/>'s counters (the process's rank; the last one attached wins).</summary>
    public static void Attach(CallTracker tracker) => Volatile.Write(ref s_tracker, tracker);

    private static IEnumerable<Measurement<T>> Measure<T>(Func<CallKind, bool> include, Func<(long Calls, long Bytes, long Ticks), T> value) where T : struct
    {
        CallTracker? tracker = Volatile.Read(ref s_tracker);
        if (tracker is null)
            yield break;
        (long Calls, long Bytes, long Ticks)[] totals = tracker.Totals();
        for (int k = 1; k < totals.Length; k++)
        {
            var kind = (CallKind)k;
            if (kind != CallKind.Wait && include(kind) && totals[k].Calls > 0)
                yield return new Measurement<T>(value(totals[k]), new KeyValuePair<string, object?>("kind", CallKinds.Name(kind)));
        }
    }
}
