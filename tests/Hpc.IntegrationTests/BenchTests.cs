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
            // One block per algorithm the library has: a title, an OSU header, one row per size,
            // four columns (latency, algbw, busbw, check) each.
            int[] titles = [.. lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("# algorithm: ", StringComparison.Ordinal)).Select(x => x.i)];
            int algorithms = titles.Length;
            Assert.True(algorithms >= 4, result.Stdout);
            Assert.Contains("# algorithm: ring", lines);
            Assert.Contains("# algorithm: rabenseifner", lines);
            foreach (int title in titles)
            {
                Assert.StartsWith("# Size", lines[title + 1]);
                Assert.Contains("Avg Latency(us)", lines[title + 1]);
                Assert.Contains("busbw(GB/s)", lines[title + 1]);
                string[] block = [.. lines[(title + 2)..].TakeWhile(l => l.Length > 0 && !l.StartsWith('#'))];
                Assert.Equal(["4", "16", "64", "256", "1024"], block.Select(l => l.Split(' ')[0]));
                foreach (string row in block)
                {
                    string[] fields = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    Assert.Equal(1 + 4, fields.Length);
                    Assert.Equal("Pass", fields[^1]);
                    Assert.True(double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
                }
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
    public void LoadRunsBesideTheBenchmarkAndIsGoneAfterIt()
    {
        // The load process inherits rank 0's environment: a mark of our own finds it (and only it).
        string mark = Guid.NewGuid().ToString("N");
        MpirunResult result = Mpirun.Run(
            ["-np", "2", "-x", $"HPC_BENCH_TEST_MARK={mark}", HpcBench, "latency", "-m", "4:16", "-i", "50", "-x", "1", "--load", "1", "-z", "-q"],
            TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("load=1", result.StdoutLines[0]);
        Assert.Contains("P99 Tail Lat(us)", result.StdoutLines[1]);
        Assert.Equal(["4", "16"], result.StdoutLines[2..].Select(l => l.Split(' ')[0]));
        Assert.Empty(ProcessesMarked(mark));
    }

    private static List<int> ProcessesMarked(string mark)
    {
        var found = new List<int>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "environ")).Contains(mark, StringComparison.Ordinal))
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to read.
            }
        }
        return found;
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
