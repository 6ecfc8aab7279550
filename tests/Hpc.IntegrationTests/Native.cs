using System.Runtime.InteropServices;

namespace Hpc.IntegrationTests;

/// <summary>The few POSIX calls the tests need to check for leaked processes and to send signals.</summary>
internal static partial class Native
{
    public const int SigInt = 2;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>True while <paramref name="pid"/> names a process that has not fully ended.</summary>
    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>Fails unless <paramref name="pid"/> is gone within <paramref name="wait"/> (reaped, not just dead).</summary>
    public static void AssertGone(int pid, TimeSpan wait)
    {
        var deadline = DateTime.UtcNow + wait;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                string state = "?";
                try
                {
                    state = File.ReadAllText($"/proc/{pid}/stat");
                }
                catch (IOException)
                {
                }
                Assert.Fail($"process {pid} is still there after the job ended: {state}");
            }
            Thread.Sleep(20);
        }
    }
}
