using System.Text.Json;

namespace Hpc.Diagnostics;

/// <summary>
/// Turns one rank's spans into Chrome trace-event JSON (the format Perfetto and chrome://tracing
/// open): a complete event (<c>"ph":"X"</c>) per call, timestamps in microseconds since t = 0 (the
/// end of Init, aligned across ranks by a barrier; mpirun aligns ranks of one host exactly on their
/// shared clock), the rank as the process id and the thread as the thread id. User spans come from <see cref="ActivitySource"/>s through an
/// <see cref="ActivityListener"/> (<see cref="UserSpans"/>).
/// </summary>
internal static class TraceExport
{
    /// <summary><c>{"rank":r,"host":h,"dropped":n,"events":[…]}</c>, what a rank sends mpirun at Finalize.</summary>
    public static string ToJson(CallTracker tracker, int rank, string host, IReadOnlyList<UserSpan> userSpans)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("rank", rank);
            json.WriteString("host", host);
            json.WriteNumber("dropped", tracker.DroppedSpans);
            // The raw clock at t = 0: ranks of one host share it (CLOCK_MONOTONIC), so mpirun
            // aligns them exactly; between hosts the Init barrier aligns them.
            json.WriteNumber("origin", tracker.Origin);
            json.WriteNumber("frequency", Stopwatch.Frequency);
            json.WriteStartArray("events");
            foreach ((int thread, TraceSpan span) in tracker.Spans())
            {
                if (span.Start < tracker.Origin)
                    continue;
                json.WriteStartObject();
                json.WriteString("name", span.Kind == CallKind.Wait ? "wait" : CallKinds.Name(span.Kind));
                json.WriteString("cat", span.Kind == CallKind.Wait ? "wait" : CallKinds.IsCollective(span.Kind) ? "collective" : "p2p");
                json.WriteString("ph", "X");
                json.WriteNumber("ts", Microseconds(span.Start - tracker.Origin));
                json.WriteNumber("dur", Microseconds(span.End - span.Start));
                json.WriteNumber("pid", rank);
                json.WriteNumber("tid", thread);
                if (span.Kind != CallKind.Wait)
                {
                    json.WriteStartObject("args");
                    if (span.Communicator is not null)
                        json.WriteString("communicator", span.Communicator);
                    json.WriteNumber("bytes", span.Bytes);
                    if (CallKinds.IsCollective(span.Kind))
                    {
                        json.WriteNumber("sequence", span.Sequence);
                        if (span.Algorithm is not null)
                            json.WriteString("algorithm", span.Algorithm);
                    }
                    else
                    {
                        json.WriteNumber("peer", span.Peer);
                        json.WriteNumber("tag", span.Tag);
                    }
                    json.WriteEndObject();
                }
                json.WriteEndObject();
            }
            foreach (UserSpan span in userSpans)
            {
                if (span.Start < tracker.Origin)
                    continue;
                json.WriteStartObject();
                json.WriteString("name", span.Name);
                json.WriteString("cat", "user:" + span.Source);
                json.WriteString("ph", "X");
                json.WriteNumber("ts", Microseconds(span.Start - tracker.Origin));
                json.WriteNumber("dur", Microseconds(span.End - span.Start));
                json.WriteNumber("pid", rank);
                json.WriteNumber("tid", span.Thread);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static double Microseconds(long ticks) => Math.Round(ticks * 1e6 / Stopwatch.Frequency, 3);
}

/// <summary>One user activity, in Stopwatch timestamps.</summary>
internal readonly record struct UserSpan(string Source, string Name, int Thread, long Start, long End);

/// <summary>
/// Listens to every <see cref="ActivitySource"/> of the process while tracing, so a user's
/// <c>using var a = source.StartActivity("forward")</c> becomes a span on the rank's track beside
/// its Hpc calls. (OpenTelemetry can listen to the same sources.)
/// </summary>
internal sealed class UserSpans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<UserSpan> _spans = [];

    /// <summary>Starts listening.</summary>
    public UserSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    private void OnStopped(Activity activity)
    {
        // Activity times are UTC; the rank's spans are Stopwatch timestamps. Map through "now":
        // the activity just stopped, so its end is (nearly) this instant.
        long end = Stopwatch.GetTimestamp();
        long start = end - (long)(activity.Duration.TotalSeconds * Stopwatch.Frequency);
        lock (_spans)
        {
            if (_spans.Count < CallTracker.MaxTraceSpans)
                _spans.Add(new UserSpan(activity.Source.Name, activity.DisplayName, Environment.CurrentManagedThreadId, start, end));
        }
    }

    /// <summary>The spans so far.</summary>
    public IReadOnlyList<UserSpan> Spans
    {
        get { lock (_spans) return [.. _spans]; }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
