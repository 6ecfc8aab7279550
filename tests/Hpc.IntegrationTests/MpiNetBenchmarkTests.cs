using System.Globalization;
using System.Text.RegularExpressions;

namespace Hpc.IntegrationTests;

/// <summary>
/// MPI.NET's own benchmarks, Netpipe_cs (ping-pong) and Netcoll_cs (Allreduce), compiled unchanged
/// against Hpc.MpiNet (tests/MpiNetUpstream), through the MPI.NET API and through the
/// <c>MPI.Unsafe</c> layer (<c>/direct</c>). They take no size arguments and would run up to
/// hundreds of MiB, so each run is stopped (SIGTERM to the launcher) once the first sizes are measured.
/// </summary>
public partial class MpiNetBenchmarkTests
{
    // Their repetition counts calibrate themselves against the machine once, at the start: Netcoll_cs
    // times a second of Allreduces and then runs 3 x that count per size (2 M calls on a quiet
    // machine). When other work takes the cores after the calibration (a CI running test assemblies
    // side by side), the second size alone took more than 240 s, so only the first size (0 elements)
    // is awaited: it shows each path runs and measures; MpiNetRank's "unsafe" area checks the results
    // of every MPI.Unsafe call.
    private const int Samples = 1;

    [Theory]
    [InlineData("Netpipe_cs", "/direct", "Using direct MPI interface.", "bytes")]
    [InlineData("Netpipe_cs", "", "Using MPI.NET interface.", "bytes")]
    [InlineData("Netcoll_cs", "/direct", "Using direct MPI interface.", "doubles")]
    [InlineData("Netcoll_cs", "/user", "Using primitive type (double) with user-defined sum and run-time code generation", "doubles")]
    public void MpiNetsBenchmarkRunsAndMeasures(string program, string mode, string banner, string unit)
    {
        string dll = Path.Combine(RankPrograms.RepositoryRoot, "tests/MpiNetUpstream", program, "bin", Configuration, "net10.0", $"MpiNetUpstream.{program}.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        string[] args = mode.Length == 0 ? ["-np", "2", dll] : ["-np", "2", dll, mode];
        using Mpirun mpirun = Mpirun.Start(args, TimeSpan.FromSeconds(300));
        var lines = new List<string>();
        var times = new List<double>();
        while (times.Count < Samples)
        {
            string line = mpirun.ReadStdoutLine(TimeSpan.FromSeconds(240));
            lines.Add(line);
            Match m = Sample().Match(line);
            if (m.Success)
            {
                Assert.Equal(times.Count, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                Assert.Equal(unit, m.Groups[2].Value);
                times.Add(double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
            }
        }
        mpirun.Signal(15);
        MpirunResult result = mpirun.WaitForExit();
        Assert.Contains(banner, lines);
        Assert.Contains(lines, l => l.StartsWith("Latency: ", StringComparison.Ordinal));
        Assert.All(times, t => Assert.InRange(t, 1e-8, 1.0));
        Assert.Empty(RankPrograms.SharedMemoryLeftovers(result.Pid));
    }

    // "  3:         3 bytes   77084 times --->     13.72 Mbps in 0.000001668 sec"
    [GeneratedRegex(@"^\s*(\d+):\s+\d+ (bytes|doubles)\s+\d+ times --->\s+[0-9.]+ Mbps in ([0-9.]+) sec$")]
    private static partial Regex Sample();

    private static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        ? "Release" : "Debug";
}
