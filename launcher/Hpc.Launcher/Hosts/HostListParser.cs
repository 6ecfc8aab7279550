using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// Reads <c>-H host1:2,host2:2</c>: comma-separated hosts, each with an optional slot count
/// (default 1). A host named twice gets the sum, so <c>-H a,a,b</c> is two slots on a, as in Open MPI.
/// </summary>
internal static class HostListParser
{
    /// <summary>Parses every <c>-H</c> argument, in order.</summary>
    /// <exception cref="UsageException">An entry is malformed; the message quotes it.</exception>
    public static IReadOnlyList<HostSlots> Parse(IEnumerable<string> arguments)
    {
        var hosts = new HostTable();
        foreach (string argument in arguments)
        {
            foreach (string entry in argument.Split(','))
            {
                UsageException Error(string what) => new($"-H {argument}: {what}");
                string trimmed = entry.Trim();
                if (trimmed.Length == 0)
                    throw Error("empty host name (expected host[:slots],...)");
                // An IPv6 literal has colons of its own; only a trailing ":digits" is a slot count.
                int colon = trimmed.LastIndexOf(':');
                string name = trimmed;
                int slots = 1;
                if (colon >= 0 && !trimmed.EndsWith(']'))
                {
                    string count = trimmed[(colon + 1)..];
                    name = trimmed[..colon];
                    if (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out slots) || slots < 1)
                        throw Error($"slot count of '{trimmed}' must be a whole number of at least 1");
                    if (name.Length == 0)
                        throw Error($"empty host name in '{trimmed}'");
                }
                hosts.Add(name, slots, null, Error);
            }
        }
        return hosts.ToList();
    }
}
