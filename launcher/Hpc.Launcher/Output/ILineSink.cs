namespace Hpc.Launcher;

/// <summary>
/// Where a rank's forwarded lines go: mpirun's own stdout/stderr (<see cref="OutputSink"/>), or,
/// in a per-host daemon, the connection back to mpirun. Only whole lines are ever passed in.
/// </summary>
internal interface ILineSink
{
    /// <summary>Writes complete lines (each ended by '\n'), each after <paramref name="prefix"/>, as one unit.</summary>
    void WriteLines(OutputStream stream, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> lines);
}
