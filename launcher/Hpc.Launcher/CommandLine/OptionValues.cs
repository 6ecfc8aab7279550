using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// The launcher options whose values need more than binding: each parser turns the text into its
/// value or throws a <see cref="UsageException"/> naming the option, the input and the valid values.
/// </summary>
internal static class OptionValues
{
    /// <summary>Variable of the hang report threshold when <c>--hang-after</c> is not given.</summary>
    public const string HangAfterVariable = "HPC_HANG_AFTER";

    /// <summary><c>--hang-after</c> (or <c>HPC_HANG_AFTER</c>), <c>--profile</c>, <c>--profile-json</c> and <c>--trace</c>.</summary>
    public static DiagnosticsOptions ParseDiagnostics(LauncherOptions options, Func<string, string?> lookup)
    {
        TimeSpan? hangAfter = DiagnosticsOptions.DefaultHangAfter;
        (string? text, string name) = options.HangAfter is not null ? (options.HangAfter, "--hang-after")
            : lookup(HangAfterVariable) is { Length: > 0 } fromEnvironment ? (fromEnvironment, HangAfterVariable) : (null, "");
        if (text is not null)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
                || !double.IsFinite(seconds) || seconds < 0 || seconds > int.MaxValue / 1000.0)
                throw new UsageException($"{name} expects a number of seconds, 0 to turn the report off (got '{text}')");
            hangAfter = seconds == 0 ? null : TimeSpan.FromSeconds(seconds);
        }
        string? profileJson = options.ProfileJson is null ? null : WritableFile(options.ProfileJson, "--profile-json");
        string? trace = options.Trace is null ? null : WritableFile(options.Trace, "--trace");
        return new DiagnosticsOptions(hangAfter, options.Profile || profileJson is not null, profileJson, trace);
    }

    /// <summary>An absolute path whose directory exists, so the file can be written when the job ends.</summary>
    private static string WritableFile(string text, string option)
    {
        if (text.Trim().Length == 0)
            throw new UsageException($"{option} expects a FILE to write (got '{text}')");
        string path = Path.GetFullPath(text);
        if (Directory.Exists(path))
            throw new UsageException($"{option} expects a FILE to write, but '{text}' is a directory");
        string? directory = Path.GetDirectoryName(path);
        if (directory is not null && !Directory.Exists(directory))
            throw new UsageException($"{option}: directory '{directory}' of '{text}' does not exist");
        return path;
    }

    public static int ParseRanks(string text)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int ranks))
            throw new UsageException($"-np expects a whole number (got '{text}')");
        if (ranks < 1)
            throw new UsageException($"-np must be at least 1 (got {ranks})");
        return ranks;
    }

    /// <summary><c>--map-by</c> and <c>-N</c>: the mapping policy and the fixed share per host, if any.</summary>
    public static (MapBy MapBy, PerHostLimit? PerHost) ParseMapBy(LauncherOptions options)
    {
        PerHostLimit? perHost = null;
        if (options.PerNode is not null)
        {
            if (!int.TryParse(options.PerNode, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw new UsageException($"-N expects a whole number of ranks per host, at least 1 (got '{options.PerNode}')");
            perHost = new PerHostLimit(n, $"-N {n}");
        }
        if (options.MapBy is null)
            return (MapBy.Slot, perHost);
        string mapBy = options.MapBy.ToLowerInvariant();
        if (mapBy.StartsWith("ppr:", StringComparison.Ordinal))
        {
            string[] parts = mapBy.Split(':');
            if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1
                || parts[2] is not ("node" or "core"))
                throw new UsageException($"--map-by ppr expects ppr:N:node or ppr:N:core with N at least 1 (got '{options.MapBy}')");
            if (perHost is not null)
                throw new UsageException("give -N or --map-by ppr, not both");
            int share = parts[2] == "node" ? count : (int)Math.Min(int.MaxValue, (long)count * Environment.ProcessorCount);
            return (MapBy.Slot, new PerHostLimit(share, "--map-by " + options.MapBy));
        }
        return mapBy switch
        {
            "slot" => (MapBy.Slot, perHost),
            "node" => (MapBy.Node, perHost),
            _ => throw new UsageException($"--map-by must be slot, node, ppr:N:node or ppr:N:core (got '{options.MapBy}')"),
        };
    }

    public static string? WorkingDirectory(LauncherOptions options)
    {
        if (options.Wdir is not null && options.Wd is not null)
            throw new UsageException("give --wdir or --wd, not both");
        string? given = options.Wdir ?? options.Wd;
        if (given is null)
            return null;
        string path = Path.GetFullPath(given);
        return Directory.Exists(path) ? path : throw new UsageException($"working directory '{given}' not found");
    }

    public static StdinTarget ParseStdin(string? text, int ranks)
    {
        if (text is null)
            return StdinTarget.RankZero;
        switch (text.ToLowerInvariant())
        {
            case "all":
                return new StdinTarget(true, null);
            case "none":
                return new StdinTarget(false, null);
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int rank) || rank >= ranks)
            throw new UsageException($"--stdin must be all, none or a rank from 0 to {ranks - 1} (got '{text}')");
        return new StdinTarget(false, rank);
    }

    public static BindingOptions ParseBinding(LauncherOptions options)
    {
        BindTo target = options.BindTo?.ToLowerInvariant() switch
        {
            null => BindTo.Auto,
            "none" => BindTo.None,
            "core" => BindTo.Core,
            "socket" => BindTo.Socket,
            _ => throw new UsageException($"--bind-to must be core, socket or none (got '{options.BindTo}')"),
        };
        return new BindingOptions(target, options.ReportBindings);
    }
}
