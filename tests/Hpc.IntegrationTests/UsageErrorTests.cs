namespace Hpc.IntegrationTests;

/// <summary>Every bad input is one line on stderr naming it, and exit code 2.</summary>
public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("mpirun: -np must be at least 1 (got 0)", "-np", "0", "sh")]
    [InlineData("mpirun: -np must be at least 1 (got -3)", "-np", "-3", "sh")]
    [InlineData("mpirun: -np expects a whole number (got 'four')", "-np", "four", "sh")]
    [InlineData("mpirun: option '-np' needs a value", "-np")]
    [InlineData("mpirun: no program given (usage: dotnet mpirun -np N PROGRAM [ARGS...])", "-np", "2")]
    [InlineData("mpirun: no program given (usage: dotnet mpirun -np N PROGRAM [ARGS...])")]
    [InlineData("mpirun: unknown option '--foo'", "-np", "2", "--foo", "sh")]
    [InlineData("mpirun: unknown option '-q'", "-q", "sh")]
    [InlineData("mpirun: malformed -x '=3': expected VAR or VAR=value", "-x", "=3", "sh")]
    [InlineData("mpirun: malformed -x '1A=b': expected VAR or VAR=value", "-x", "1A=b", "sh")]
    [InlineData("mpirun: malformed -x '-y': expected VAR or VAR=value", "-x", "-y", "sh")]
    [InlineData("mpirun: program 'xyz-no-such-program' not found", "-np", "2", "xyz-no-such-program")]
    [InlineData("mpirun: program './no/such/path' not found", "./no/such/path")]
    [InlineData("mpirun: program 'missing.dll' not found", "missing.dll")]
    [InlineData("mpirun: --timeout expects a positive number of seconds (got '0')", "--timeout", "0", "sh")]
    [InlineData("mpirun: --transport must be shm, tcp or auto (got 'udp')", "--transport", "udp", "sh")]
    [InlineData("mpirun: tuning file '/no/such/tune.json' not found", "--tune", "/no/such/tune.json", "sh")]
    [InlineData("mpirun: option '--tag-output' does not take a value (got '--tag-output=1')", "--tag-output=1", "sh")]
    [InlineData("mpirun: HPC_COLL='allreduce=rign': unknown allreduce algorithm 'rign'; valid: ring, tree, recursive_doubling, rabenseifner, shared_memory, hierarchical, direct",
        "--coll", "allreduce=rign", "-np", "2", "sh", "-c", "echo started")]
    [InlineData("mpirun: HPC_COLL='bcast=ring': unknown bcast algorithm 'ring'; valid: binomial, scatter_allgather, shared_memory, hierarchical, chain",
        "-x", "HPC_COLL=bcast=ring", "-np", "2", "sh", "-c", "echo started")]
    [InlineData("mpirun: HPC_EAGER_LIMIT='lots' is not a byte count from 0 to 1048576", "-x", "HPC_EAGER_LIMIT=lots", "-np", "2", "sh", "-c", "echo started")]
    [InlineData("mpirun: unknown option '--tag-ouput' (did you mean --tag-output?)", "--tag-ouput", "sh")]
    [InlineData("mpirun: unknown option '--bind-too' (did you mean --bind-to?)", "--bind-too", "sh")]
    [InlineData("mpirun: --bind-to must be core, socket or none (got 'hwthread')", "--bind-to", "hwthread", "sh")]
    [InlineData("mpirun: --stdin must be all, none or a rank from 0 to 1 (got '2')", "-np", "2", "--stdin", "2", "sh")]
    [InlineData("mpirun: --map-by ppr expects ppr:N:node or ppr:N:core with N at least 1 (got 'ppr:0:node')", "--map-by", "ppr:0:node", "sh")]
    [InlineData("mpirun: -N expects a whole number of ranks per host, at least 1 (got '0')", "-N", "0", "sh")]
    [InlineData("mpirun: 3 ranks requested but -N 2 places at most 2 on 1 host", "-N", "2", "-np", "3", "sh")]
    [InlineData("mpirun: --rank-by must be slot or node (got 'core')", "--rank-by", "core", "sh")]
    [InlineData("mpirun: working directory '/no/such/dir' not found", "-wdir", "/no/such/dir", "sh")]
    [InlineData("mpirun: every program of an MPMD command line needs its -np (MPMD program 2, 'sh')", "-np", "1", "sh", ":", "sh")]
    [InlineData("mpirun: option '--tag-output' applies to the whole job: give it before the first program (MPMD program 2)", "-np", "1", "sh", ":", "--tag-output", "-np", "1", "sh")]
    [InlineData("mpirun: no program given after ':' (MPMD program 2)", "-np", "1", "sh", ":", "-np", "1")]
    public void BadInputIsOneLineAndExitCode2(string expected, params string[] args)
    {
        MpirunResult result = Mpirun.Run(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(expected + "\n", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void ABadSettingInMpirunsOwnEnvironmentIsCaughtBeforeAnyRankStarts()
    {
        MpirunResult result = Mpirun.Run(["-np", "2", "sh", "-c", "echo started"], Mpirun.DefaultLimit,
            environment: new Dictionary<string, string?> { ["HPC_SPIN_US"] = "fast" });

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("mpirun: HPC_SPIN_US='fast' is not a number of microseconds from 0 to 1000000, or 'auto'\n", result.Stderr);
        Assert.Equal("", result.Stdout);
    }
}
