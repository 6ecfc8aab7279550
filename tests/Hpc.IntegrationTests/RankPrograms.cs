namespace Hpc.IntegrationTests;

/// <summary>Where the rank programs built beside the tests live (same configuration as the tests).</summary>
internal static class RankPrograms
{
    public static string RepositoryRoot { get; } = FindRoot();

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>tests/Hpc.TestRank: scenarios that check their own results.</summary>
    public static string TestRank => Dll("tests/Hpc.TestRank", "Hpc.TestRank");

    /// <summary>launcher/Hpc.Mpiexec: <c>dotnet mpiexec</c>, the launcher under MPICH's name.</summary>
    public static string Mpiexec => Dll("launcher/Hpc.Mpiexec", "Hpc.Mpiexec");

    /// <summary>The built dll of an example, e.g. <c>Example("Ring")</c>.</summary>
    public static string Example(string name) => Dll("examples/" + name, name);

    private static string Dll(string project, string assembly)
    {
        string path = Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", assembly + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{assembly} is not built", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hpc.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Hpc.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Shared-memory files in /dev/shm of the job whose launcher had pid <paramref name="mpirunPid"/>
    /// (job id <c>hpc-PID-…</c>, files <c>hpc-hpc-PID-…</c> or <c>hpc-PID-…</c>): only this test's
    /// own, so another job running on the machine at the same time cannot fail it.
    /// </summary>
    public static string[] SharedMemoryLeftovers(int mpirunPid) =>
        Directory.Exists("/dev/shm")
            ? [.. Directory.GetFiles("/dev/shm", $"hpc-hpc-{mpirunPid}-*"), .. Directory.GetFiles("/dev/shm", $"hpc-{mpirunPid}-*")]
            : [];
}
