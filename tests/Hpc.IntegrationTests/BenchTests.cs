using System.Text.Json;

namespace Hpc.IntegrationTests;

/// <summary>hpc-bench as a user runs it: through the real launcher, as real processes.</summary>
public class BenchTests
{
    private static string HpcBench
    {
        get
        {
            string configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                ? "Release" : "Debug";
            string path = Path.Combine(RankPrograms.RepositoryRoot, "src", "Hpc.Bench", "bin", configuration, "net10.0", "hpc-bench.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("hpc-bench is not built", path);
        }
    }

    [Fact]
    public void AllreduceWithEveryAlgorithmPrintsAnOsuTableAndPassesTheCheck()
    {
        string json = Path.Combine(Path.GetTempPath(), $"hpc-bench-{Guid.NewGuid():N}.json");
        try
        {
            MpirunResult result = Mpirun.Run(
                ["-np", "2", HpcBench, "allreduce", "-m", "4:1024", "-i", "20", "-x", "2", "--algorithm", "all", "--check", "--json", json, "-q"],
                TimeSpan.FromSeconds(60));

            Assert.True(result.ExitCode == 0, result.ToString());
            string[] lines = result.StdoutLines;
            Assert.StartsWith("# hpc-bench allreduce", lines[0]);
            Assert.Contains("np=2", lines[0]);
            Assert.StartsWith("# Size", lines[1]);
            Assert.Contains("Avg Latency(us)[ring]", lines[1]);
            Assert.Contains("busbw(GB/s)[rabenseifner]", lines[1]);
            Assert.Equal(["4", "16", "64", "256", "1024"], lines[2..].Select(l => l.Split(' ')[0]));
            // One group of four columns (latency, algbw, busbw, check) per algorithm the library has.
            int algorithms = lines[1].Split("Avg Latency(us)[").Length - 1;
            Assert.True(algorithms >= 4, lines[1]);
            foreach (string row in lines[2..])
            {
                string[] fields = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(1 + 4 * algorithms, fields.Length);
                Assert.Equal(algorithms, fields.Count(f => f == "Pass"));
                Assert.True(double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
            }
            Assert.DoesNotContain("--check", result.Stderr);

            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal("Hpc", report.RootElement.GetProperty("runtime").GetString());
            Assert.Equal(algorithms, report.RootElement.GetProperty("series").GetArrayLength());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void ABadOptionIsOneLineAndExitCode2()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", HpcBench, "allreduce", "-m", "4:x"], TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n'), l => l.Contains("hpc-bench: -m '4:x'"));
        Assert.Empty(result.Stdout);
    }
}
