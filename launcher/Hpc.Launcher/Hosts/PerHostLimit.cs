using System.Globalization;

namespace Hpc.Launcher;

/// <summary>
/// A fixed number of ranks per host, from <c>-N N</c> / <c>--npernode N</c> or
/// <c>--map-by ppr:N:node</c> (N per host) or <c>--map-by ppr:N:core</c> (N per core of this
/// machine, hosts assumed alike, since other hosts' cores are not known before they start).
/// </summary>
/// <param name="PerHost">Ranks on every host.</param>
/// <param name="Spelling">The option as given, for messages.</param>
internal sealed record PerHostLimit(int PerHost, string Spelling)
{
    /// <summary>The default rank count: the share of every host.</summary>
    public int Total(int hosts) => (int)Math.Min(int.MaxValue, (long)PerHost * hosts);

    /// <summary>Refuses more ranks than the hosts' shares hold.</summary>
    /// <exception cref="UsageException">They do not fit.</exception>
    public void Check(int ranks, int hosts)
    {
        if (ranks > Total(hosts))
            throw new UsageException($"{ranks.ToString(CultureInfo.InvariantCulture)} ranks requested but {Spelling} places at most {Total(hosts).ToString(CultureInfo.InvariantCulture)} on {hosts.ToString(CultureInfo.InvariantCulture)} host{(hosts == 1 ? "" : "s")}");
    }
}
