using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Hpc.Launcher;

/// <summary>
/// The IPv4 address a job spanning hosts listens on (rendezvous, daemons, local ranks), so that
/// other hosts can reach it: that of <c>--iface</c> / <c>HPC_IFACE</c>, else that of the
/// interface carrying the default route, as Open MPI's TCP components choose by default.
/// </summary>
internal static class ReachableAddress
{
    /// <summary>Finds the address; <paramref name="iface"/> names an interface or is null.</summary>
    /// <exception cref="UsageException">The interface does not exist or has no IPv4 address, or no candidate exists.</exception>
    public static IPAddress Resolve(string? iface)
    {
        NetworkInterface[] interfaces = NetworkInterface.GetAllNetworkInterfaces();
        if (iface is not null)
        {
            NetworkInterface nic = interfaces.FirstOrDefault(n => n.Name == iface)
                ?? throw new UsageException($"no network interface named '{iface}' (there are: {string.Join(", ", interfaces.Select(n => n.Name))})");
            return IPv4Of(nic) ?? throw new UsageException($"network interface '{iface}' has no IPv4 address");
        }

        if (DefaultRouteInterface() is { } name && interfaces.FirstOrDefault(n => n.Name == name) is { } routed && IPv4Of(routed) is { } address)
            return address;
        foreach (NetworkInterface nic in interfaces)
        {
            if (nic.OperationalStatus == OperationalStatus.Up && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback && IPv4Of(nic) is { } any)
                return any;
        }
        throw new UsageException("cannot find an IPv4 address that other hosts can reach (no default route); name an interface with --iface");
    }

    private static IPAddress? IPv4Of(NetworkInterface nic) =>
        nic.GetIPProperties().UnicastAddresses
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);

    /// <summary>The interface of the default IPv4 route with the lowest metric, from <c>/proc/net/route</c>.</summary>
    private static string? DefaultRouteInterface()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/net/route");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        const int routeUp = 0x1;
        string? best = null;
        int bestMetric = int.MaxValue;
        // Iface Destination Gateway Flags RefCnt Use Metric Mask ...
        foreach (string line in lines.Skip(1))
        {
            string[] f = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8 || f[1] != "00000000" || f[7] != "00000000")
                continue;
            if (!int.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int flags) || (flags & routeUp) == 0)
                continue;
            if (int.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out int metric) && metric < bestMetric)
            {
                best = f[0];
                bestMetric = metric;
            }
        }
        return best;
    }
}
