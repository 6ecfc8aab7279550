using System.Text.Json;

namespace Hpc.Launcher;

/// <summary>
/// Merges the ranks' traces (what each sends mpirun at Finalize, <see cref="Hpc.Diagnostics.TraceExport"/>)
/// into one Chrome trace-event file (JSON object format): a process per rank, named
/// <c>rank N (host)</c> and sorted by rank, so Perfetto shows one track per rank, then every span.
/// </summary>
internal static class TraceFile
{
    /// <summary>Writes the file; ranks without a trace are listed in <c>otherData.missingRanks</c>. Returns the number of spans.</summary>
    public static long Write(string path, IReadOnlyList<string?> ranks, string jobId)
    {
        long spans = 0, dropped = 0;
        var missing = new List<int>();
        using FileStream stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteStartArray("traceEvents");
        for (int rank = 0; rank < ranks.Count; rank++)
        {
            JsonDocument? document = null;
            try
            {
                document = ranks[rank] is { Length: > 0 } text ? JsonDocument.Parse(text) : null;
            }
            catch (JsonException)
            {
            }
            if (document is null)
            {
                missing.Add(rank);
                continue;
            }
            using (document)
            {
                JsonElement root = document.RootElement;
                string host = root.TryGetProperty("host", out JsonElement h) ? h.GetString() ?? "?" : "?";
                Metadata(json, rank, "process_name", "name", $"rank {rank} ({host})");
                Metadata(json, rank, "process_sort_index", "sort_index", rank);
                if (root.TryGetProperty("dropped", out JsonElement d))
                    dropped += d.GetInt64();
                foreach (JsonElement span in root.GetProperty("events").EnumerateArray())
                {
                    span.WriteTo(json);
                    spans++;
                }
            }
            json.Flush();
        }
        json.WriteEndArray();
        json.WriteStartObject("otherData");
        json.WriteString("job", jobId);
        json.WriteString("clock", "microseconds since the end of Init, aligned across ranks by a barrier");
        json.WriteNumber("droppedSpans", dropped);
        json.WriteString("missingRanks", Hpc.Diagnostics.RankRanges.Format(missing));
        json.WriteEndObject();
        json.WriteEndObject();
        return spans;
    }

    private static void Metadata(Utf8JsonWriter json, int rank, string name, string argument, object value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("ph", "M");
        json.WriteNumber("pid", rank);
        json.WriteNumber("tid", 0);
        json.WriteStartObject("args");
        if (value is int number)
            json.WriteNumber(argument, number);
        else
            json.WriteString(argument, value.ToString());
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
