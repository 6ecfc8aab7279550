using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hpc.Bench.Output;

/// <summary>
/// The report as JSON: camelCase names, nulls left out, doubles in their shortest round-trip
/// form, so reading a written file gives back exactly the same report.
/// </summary>
internal static class JsonReport
{
    private static readonly JsonSerializerOptions s_options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(BenchReport report) => JsonSerializer.Serialize(report, s_options);

    /// <exception cref="FormatException">Not a hpc-bench report; the message names <paramref name="source"/>.</exception>
    public static BenchReport Deserialize(string json, string source = "JSON")
    {
        try
        {
            return JsonSerializer.Deserialize<BenchReport>(json, s_options)
                ?? throw new FormatException($"{source}: empty report");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not a hpc-bench JSON report ({e.Message})", e);
        }
    }
}
