using System.Text.Json;

namespace Hpc.Diagnostics;

/// <summary>
/// Reading the one-line JSON reports a rank sends mpirun over the control connection (its
/// <see cref="RankProfile"/>, its <see cref="RankSnapshot"/>): a line that is not the expected
/// report reads as null, so a garbled or foreign line never stops the launcher.
/// </summary>
internal static class ControlJson
{
    /// <summary>The <typeparamref name="TReport"/> in <paramref name="json"/>, or null when it is not one.</summary>
    public static TReport? Read<TReport>(string json, JsonSerializerOptions options) where TReport : class
    {
        try
        {
            return JsonSerializer.Deserialize<TReport>(json, options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
