using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// <c>--display-map</c>: where every rank runs, printed before anything starts (on stderr, as
/// launcher messages, so the program's stdout stays its own).
/// </summary>
internal static class JobMap
{
    /// <summary>The lines of the map: the job, one line per host, and one per program when there are several.</summary>
    public static List<string> Describe(JobSpec spec)
    {
        var lines = new List<string>();
        int hosts = spec.Placement?.Hosts.Count ?? 1;
        lines.Add($"job map: {Count(spec.Ranks, "rank")} on {Count(hosts, "host")}");
        if (spec.Placement is { } placement)
        {
            for (int h = 0; h < placement.Hosts.Count; h++)
            {
                HostSlots host = placement.Hosts[h];
                lines.Add($"  host {host.Name} (slots {host.Slots.ToString(CultureInfo.InvariantCulture)}): ranks {Ranges(placement.RanksOn(h))}");
            }
        }
        else
        {
            lines.Add($"  host {Environment.MachineName}: ranks {Ranges([.. Enumerable.Range(0, spec.Ranks)])}");
        }
        if (spec.Apps.Count > 1)
        {
            foreach (JobProgram app in spec.Apps)
                lines.Add($"  ranks {Ranges([.. Enumerable.Range(app.FirstRank, app.Ranks)])}: {app.Program}");
        }
        return lines;
    }

    private static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");

    /// <summary><c>0-3,8</c> for ranks 0, 1, 2, 3 and 8.</summary>
    private static string Ranges(IReadOnlyList<int> ranks) => ranks.Count == 0 ? "none" : CpuBinding.FormatList(ranks);
}
