using Hpc.Bench.Run;
using Xunit;

namespace Hpc.Tests.Bench;

/// <summary>The --load process: it really runs N threads, and it ends with its owner.</summary>
public class LoadGeneratorTests
{
    [Fact(Timeout = 60_000)]
    public async Task TheLoadRunsItsThreadsAndEndsWhenItsInputCloses()
    {
        await Task.Yield();
        LoadProcess load = LoadGenerator.Start(2);
        int pid = load.ProcessId;
        try
        {
            // Two spinning threads besides the runtime's own: read the thread count back from /proc.
            string status = File.ReadAllText($"/proc/{pid}/status");
            int threads = int.Parse(status.Split('\n').Single(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(threads >= 3, status);
            Assert.Contains(System.Diagnostics.Process.GetProcessById(pid).Threads.Cast<System.Diagnostics.ProcessThread>(), t => t.Id > 0);
        }
        finally
        {
            // Closing its stdin ends it by itself (exit 0), not by a kill.
            Assert.Equal(0, load.Stop());
        }
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal));
    }

    [Fact]
    public void TheLoadCommandEndsAtTheEndOfItsInput()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, LoadGenerator.Run(1, new StringReader("ignored\n"), stdout));
        Assert.Equal(LoadGenerator.ReadyLine, stdout.ToString().Trim());
    }
}
