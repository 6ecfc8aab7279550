using Xunit;
using Hpc.Launcher;

namespace Hpc.Tests.Launcher;

/// <summary>The garbage-collector and JIT settings mpirun gives every rank.</summary>
public sealed class CollectorDefaultsTests : IDisposable
{
    private readonly string _runtime = Directory.CreateTempSubdirectory("hpc-runtime-").FullName;

    public void Dispose() => Directory.Delete(_runtime, recursive: true);

    [Fact]
    public void TheSegmentsCollectorIsNamedWhenItsLibraryIsBesideTheRuntime()
    {
        File.WriteAllBytes(Path.Combine(_runtime, RankEnvironment.SegmentsCollector), []);

        Dictionary<string, string> defaults = RankEnvironment.CollectorDefaults(_runtime).ToDictionary();

        Assert.Equal(RankEnvironment.SegmentsCollector, defaults[RankEnvironment.CollectorVariable]);
        Assert.Equal("0x200000", defaults[RankEnvironment.LargeObjectThresholdVariable]);
        // The young generation keeps the runtime's cache-sized budget (see CollectorVariable's remarks).
        Assert.Equal(2, defaults.Count);
    }

    [Fact]
    public void RanksCompileLoopsOptimizedAtOnceUnlessTheUsersEnvironmentSaysOtherwise()
    {
        Assert.Equal([new(RankEnvironment.QuickJitForLoopsVariable, "0")], RankEnvironment.CompilerDefaults(_ => null));
        Assert.Empty(RankEnvironment.CompilerDefaults(name => name == RankEnvironment.QuickJitForLoopsVariable ? "1" : null));
    }

    [Fact]
    public void WithoutTheLibraryTheRuntimeKeepsItsOwnCollector()
    {
        Dictionary<string, string> defaults = RankEnvironment.CollectorDefaults(_runtime).ToDictionary();

        Assert.False(defaults.ContainsKey(RankEnvironment.CollectorVariable));
        Assert.Equal("0x200000", defaults[RankEnvironment.LargeObjectThresholdVariable]);
    }
}
