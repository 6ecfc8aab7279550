using System.Text.Json;
using Hpc.Diagnostics;
using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

/// <summary>mpirun --trace: the ranks' spans merged into one Chrome trace-event file, parsed back.</summary>
public class TraceFileTests
{
    [Fact]
    public void ATracedWorldGivesATrackPerRankAndASpanPerCall()
    {
        var traces = new string?[4];
        InProcessWorld.Run(4, world =>
        {
            RankRuntime runtime = world.Runtime;
            var tracker = new CallTracker(tracing: true);
            // The world's own tracker is not tracing; trace this rank's calls by hand around real collectives.
            for (int step = 0; step < 3; step++)
            {
                using (tracker.Enter<float>(CallKind.Allreduce, world, int.MinValue, int.MinValue, 256, sequence: step + 1, op: "sum"))
                    world.Allreduce(new float[256], ReduceOp.Sum);
            }
            using (CallTracker.Scope call = tracker.Enter<int>(CallKind.Send, world, (world.Rank + 1) % 4, 7, 10))
                call.Algorithm(AllreduceAlgorithm.Ring); // ignored for p2p in the output
            traces[world.Rank] = TraceExport.ToJson(tracker, world.Rank, "host" + world.Rank, []);
        });

        string path = Path.Combine(Path.GetTempPath(), $"hpc-trace-test-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            Assert.Equal(16, TraceFile.Write(path, traces, "job-1"));
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement events = document.RootElement.GetProperty("traceEvents");
            JsonElement[] all = [.. events.EnumerateArray()];

            // One named process (track) per rank, sorted by rank.
            JsonElement[] names = [.. all.Where(e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "process_name")];
            Assert.Equal(["rank 0 (host0)", "rank 1 (host1)", "rank 2 (host2)", "rank 3 (host3)"],
                names.Select(n => n.GetProperty("args").GetProperty("name").GetString()));

            JsonElement[] spans = [.. all.Where(e => e.GetProperty("ph").GetString() == "X")];
            Assert.Equal(16, spans.Length);
            foreach (JsonElement span in spans)
            {
                // The fields the trace-event format requires of a complete event.
                Assert.True(span.GetProperty("ts").GetDouble() >= 0);
                Assert.True(span.GetProperty("dur").GetDouble() >= 0);
                Assert.InRange(span.GetProperty("pid").GetInt32(), 0, 3);
                Assert.Equal(JsonValueKind.Number, span.GetProperty("tid").ValueKind);
                Assert.False(string.IsNullOrEmpty(span.GetProperty("name").GetString()));
            }
            JsonElement[] allreduces = [.. spans.Where(s => s.GetProperty("name").GetString() == "Allreduce")];
            Assert.Equal(12, allreduces.Length);
            Assert.All(allreduces, s =>
            {
                JsonElement args = s.GetProperty("args");
                Assert.Equal("collective", s.GetProperty("cat").GetString());
                Assert.Equal("world", args.GetProperty("communicator").GetString());
                Assert.Equal(1024, args.GetProperty("bytes").GetInt64());
                Assert.InRange(args.GetProperty("sequence").GetInt32(), 1, 3);
            });
            JsonElement send = spans.Single(s => s.GetProperty("name").GetString() == "Send" && s.GetProperty("pid").GetInt32() == 2);
            Assert.Equal(3, send.GetProperty("args").GetProperty("peer").GetInt32());
            Assert.Equal(7, send.GetProperty("args").GetProperty("tag").GetInt32());
            Assert.Equal(40, send.GetProperty("args").GetProperty("bytes").GetInt64());
            Assert.Equal("job-1", document.RootElement.GetProperty("otherData").GetProperty("job").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void RanksWithoutATraceAreListedAndTheFileStillParses()
    {
        string path = Path.Combine(Path.GetTempPath(), $"hpc-trace-test-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            string one = TraceExport.ToJson(new CallTracker(tracing: true), 0, "h", [new UserSpan("app", "forward", 1, long.MaxValue - 10, long.MaxValue - 5)]);
            Assert.Equal(1, TraceFile.Write(path, [one, null, "{broken"], "job-2"));
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            Assert.Equal("1,2", document.RootElement.GetProperty("otherData").GetProperty("missingRanks").GetString());
            JsonElement user = document.RootElement.GetProperty("traceEvents").EnumerateArray().Single(e => e.GetProperty("ph").GetString() == "X");
            Assert.Equal("forward", user.GetProperty("name").GetString());
            Assert.Equal("user:app", user.GetProperty("cat").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UserActivitiesBecomeSpans()
    {
        using var source = new System.Diagnostics.ActivitySource("Hpc.Tests.TraceFile");
        using var spans = new UserSpans();
        using (source.StartActivity("forward"))
            Thread.Sleep(2);
        UserSpan span = Assert.Single(spans.Spans, s => s.Source == "Hpc.Tests.TraceFile");
        Assert.Equal("forward", span.Name);
        Assert.True(span.End - span.Start >= System.Diagnostics.Stopwatch.Frequency / 1000);
    }
}
