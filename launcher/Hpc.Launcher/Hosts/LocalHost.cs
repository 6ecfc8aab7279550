using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Hpc.Launcher;

/// <summary>
/// Decides whether a host of the host list is the machine mpirun runs on, whose ranks are then
/// started directly instead of through a launch agent and a daemon.
/// </summary>
internal static class LocalHost
{
    /// <summary>
    /// True for <c>localhost</c>, this machine's name (also when one side is fully qualified and
    /// the other is not), a loopback address, or an address of one of this machine's interfaces.
    /// </summary>
    public static bool IsLocal(string host)
    {
        string name = host.Trim('[', ']');
        if (IPAddress.TryParse(name, out IPAddress? address))
            return IPAddress.IsLoopback(address) || LocalAddresses().Contains(address);
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        foreach (string self in new[] { Environment.MachineName, SafeHostName() })
        {
            if (self.Length > 0 && (name.Equals(self, StringComparison.OrdinalIgnoreCase)
                                    || ShortName(name).Equals(ShortName(self), StringComparison.OrdinalIgnoreCase)))
                return true;
        }
        return false;
    }

    private static string ShortName(string name)
    {
        int dot = name.IndexOf('.');
        return dot < 0 ? name : name[..dot];
    }

    private static string SafeHostName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (SocketException)
        {
            return "";
        }
    }

    private static HashSet<IPAddress> LocalAddresses()
    {
        var addresses = new HashSet<IPAddress>();
        try
        {
            foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (UnicastIPAddressInformation unicast in nic.GetIPProperties().UnicastAddresses)
                    addresses.Add(unicast.Address);
            }
        }
        catch (NetworkInformationException)
        {
            // Without the list only names and loopback count as local, which is safe: a missed
            // local host is reached through the launch agent like any other.
        }
        return addresses;
    }
}
