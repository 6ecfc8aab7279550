using System.Diagnostics.Metrics;
using Hpc.Diagnostics;
using Xunit;

namespace Hpc.Tests.Diagnostics;

/// <summary>The rank's counters through System.Diagnostics.Metrics, as dotnet-counters reads them.</summary>
public class HpcMetricsTests
{
    [Fact]
    public void AListenerReadsMessagesCollectivesAndBytesPerKind()
    {
        RankRuntime runtime = RankRuntime.CreateInProcessWorld(1)[0];
        var world = new Communicator(runtime, RankRuntime.WorldContext, [0], 0, "world");
        var tracker = new CallTracker();
        for (int i = 0; i < 3; i++)
            tracker.Enter<double>(CallKind.Send, world, 0, 1, 10).Dispose();
        for (int i = 0; i < 2; i++)
            tracker.Enter<float>(CallKind.Allreduce, world, int.MinValue, int.MinValue, 256, sequence: i + 1).Dispose();
        HpcMetrics.Attach(tracker);

        var seen = new Dictionary<(string, string), double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == HpcMetrics.MeterName)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => seen[(instrument.Name, (string)tags[0].Value!)] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => seen[(instrument.Name, (string)tags[0].Value!)] = value);
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(3, seen[("hpc.messages", "Send")]);
        Assert.Equal(2, seen[("hpc.collectives", "Allreduce")]);
        Assert.Equal(3 * 10 * sizeof(double), seen[("hpc.bytes", "Send")]);
        Assert.Equal(2 * 256 * sizeof(float), seen[("hpc.bytes", "Allreduce")]);
        Assert.False(seen.ContainsKey(("hpc.messages", "Allreduce")));
        Assert.Equal(0, seen[("hpc.call.time", "Send")]); // untimed
    }
}
