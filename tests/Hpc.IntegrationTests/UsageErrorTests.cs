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
    public void BadInputIsOneLineAndExitCode2(string expected, params string[] args)
    {
        MpirunResult result = Mpirun.Run(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(expected + "\n", result.Stderr);
        Assert.Equal("", result.Stdout);
    }
}
