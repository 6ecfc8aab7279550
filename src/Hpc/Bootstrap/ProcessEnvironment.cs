namespace Hpc.Bootstrap;

/// <summary>
/// The one place in the library that reads the process environment. Everything else receives
/// what it needs through <see cref="JobEnvironment"/> and <see cref="RuntimeOptions"/>, parsed once
/// at <see cref="Mpi.Init"/>; so a setting is read, validated and documented in one place.
/// </summary>
internal static class ProcessEnvironment
{
    /// <summary>The value of <paramref name="name"/> in this process's environment, or null.</summary>
    public static string? Lookup(string name) => Environment.GetEnvironmentVariable(name);
}
