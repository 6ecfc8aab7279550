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
        Dictionary<int, double> shifts = Shifts(ranks);
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
                double shift = shifts.GetValueOrDefault(rank);
                foreach (JsonElement span in root.GetProperty("events").EnumerateArray())
                {
                    if (shift == 0)
                    {
                        span.WriteTo(json);
                    }
                    else
                    {
                        json.WriteStartObject();
                        foreach (JsonProperty property in span.EnumerateObject())
                        {
                            if (property.NameEquals("ts"))
                                json.WriteNumber("ts", Math.Round(property.Value.GetDouble() + shift, 3));
                            else
                                property.WriteTo(json);
                        }
                        json.WriteEndObject();
                    }
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

    /// <summary>
    /// Microseconds to add to each rank's timestamps. Each rank counts from its own t = 0, the exit
    /// of a barrier at the end of Init; a rank descheduled on its way out of it (ranks sharing
    /// cores) would start late. Ranks of one host share one monotonic clock, so there they are
    /// aligned exactly on the host's earliest t = 0; hosts keep the barrier's alignment.
    /// </summary>
    private static Dictionary<int, double> Shifts(IReadOnlyList<string?> ranks)
    {
        var origins = new List<(int Rank, string Host, long Origin, long Frequency)>();
        for (int rank = 0; rank < ranks.Count; rank++)
        {
            try
            {
                if (ranks[rank] is not { Length: > 0 } text)
                    continue;
                // Only the header is needed: it precedes the events.
                var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text.Length > 4096 ? text[..4096] : text), isFinalBlock: false, state: default);
                string? host = null;
                long origin = 0, frequency = 0;
                while (reader.Read() && reader.CurrentDepth <= 1)
                {
                    if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                        continue;
                    string name = reader.GetString()!;
                    if (name == "events" || !reader.Read())
                        break;
                    if (name == "host")
                        host = reader.GetString();
                    else if (name == "origin")
                        origin = reader.GetInt64();
                    else if (name == "frequency")
                        frequency = reader.GetInt64();
                }
                if (host is not null && frequency > 0)
                    origins.Add((rank, host, origin, frequency));
            }
            catch (JsonException)
            {
            }
        }
        var shifts = new Dictionary<int, double>();
        foreach (var host in origins.GroupBy(o => o.Host))
        {
            long earliest = host.Min(o => o.Origin);
            foreach (var o in host)
                shifts[o.Rank] = (o.Origin - earliest) * 1e6 / o.Frequency;
        }
        return shifts;
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
