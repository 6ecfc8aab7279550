namespace Hpc.Bootstrap;

/// <summary>
/// Which machine a rank really runs on, as opposed to the host it is placed on. Containers and
/// network namespaces give ranks of one machine different host names (and different /dev/shm),
/// but they still share its cores: a rank that counts only its host's ranks thinks it has a core
/// of its own and polls while the rank it waits for needs that core (2 "hosts" x 2 ranks on 2
/// cores: ~2 ms per 4-byte Allreduce, 2026-12-03).
/// </summary>
internal static class MachineIdentity
{
    private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>
    /// This machine's host name, as <see cref="System.Net.Dns.GetHostName"/> gives it. On Linux
    /// straight from gethostname(2): Dns.GetHostName makes the same call but first loads
    /// System.Net.NameResolution and its telemetry, ~10 ms of CPU in every rank's Mpi.Init
    /// (measured 2026-12-07, np 8: 12-13 ms against under 1 ms). Not Environment.MachineName,
    /// which cuts the name at its first dot.
    /// </summary>
    public static string HostName => Interop.LinuxNative.HostName() ?? System.Net.Dns.GetHostName();

    private static readonly Lazy<string?> KernelId = new(ReadKernel);

    /// <summary>
    /// The running kernel's boot id (Linux: a random id made at every boot, the same inside every
    /// container and namespace of the machine), or null where there is none.
    /// </summary>
    public static string? Kernel => KernelId.Value;

    private static string? ReadKernel()
    {
        try
        {
            string id = File.ReadAllText(BootIdPath).Trim();
            // The id travels inside the endpoint string, whose fields are comma-separated.
            return id.Length == 0 || id.Contains(',') ? null : id;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
