namespace Hpc.Bench.Cli;

/// <summary>A bad command line; the message names the option and the offending input (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
