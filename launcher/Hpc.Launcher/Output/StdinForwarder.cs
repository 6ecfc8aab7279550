namespace Hpc.Launcher;

/// <summary>
/// <c>--stdin all</c>: copies everything mpirun reads from its standard input to every local
/// rank's stdin, then closes them all at EOF. (A single target rank, the default, inherits
/// mpirun's stdin directly and needs no copying.)
/// </summary>
internal static class StdinForwarder
{
    /// <summary>Starts copying mpirun's stdin to <paramref name="targets"/> on a thread of its own.</summary>
    public static void Start(IReadOnlyList<Stream> targets)
    {
        if (targets.Count == 0)
            return;
        var thread = new Thread(() => Pump(targets)) { IsBackground = true, Name = "mpirun stdin" };
        thread.Start();
    }

    private static void Pump(IReadOnlyList<Stream> targets)
    {
        var live = new List<Stream>(targets);
        byte[] buffer = new byte[64 * 1024];
        try
        {
            using Stream input = Console.OpenStandardInput();
            int read;
            while (live.Count > 0 && (read = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (int i = live.Count - 1; i >= 0; i--)
                {
                    try
                    {
                        live[i].Write(buffer, 0, read);
                        live[i].Flush();
                    }
                    catch (Exception e) when (e is IOException or ObjectDisposedException)
                    {
                        // That rank closed its stdin or exited: the others still get theirs.
                        live.RemoveAt(i);
                    }
                }
            }
        }
        catch (IOException)
        {
        }
        foreach (Stream target in live)
        {
            try
            {
                target.Dispose();
            }
            catch (IOException)
            {
            }
        }
    }
}
