using System.Text;

namespace Hpc.Launcher;

/// <summary>
/// Copies one pipe of one rank into an <see cref="ILineSink"/> a whole line at a time, so a
/// line is never torn by another rank's output. The returned task completes at the pipe's EOF,
/// after the last byte was written: awaiting it is how the launcher knows all output is out.
/// </summary>
internal static class OutputForwarder
{
    /// <summary>
    /// Longest line kept whole; a longer run without '\n' is forwarded in pieces of this size,
    /// each ended by a newline, so a rank printing without newlines cannot exhaust memory.
    /// </summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>
    /// Open MPI's tag for <c>--tag-output</c>: <c>[jobid,rank]&lt;stream&gt;:</c>. Open MPI's job
    /// number for the first application job is 1 (worlds it spawns are 2, 3, …), so the prefix is
    /// <c>[1,3]&lt;stdout&gt;:</c> with no space after the colon, exactly as Open MPI prints it,
    /// so scripts that parse Open MPI output work unchanged.
    /// </summary>
    public static byte[] Tag(int rank, OutputStream stream, int jobNumber = 1) =>
        Encoding.ASCII.GetBytes($"[{jobNumber},{rank}]<{(stream == OutputStream.Stdout ? "stdout" : "stderr")}>:");

    /// <summary>Starts forwarding <paramref name="source"/> until its EOF.</summary>
    public static Task Start(Stream source, ILineSink sink, OutputStream stream, byte[] prefix) =>
        Task.Factory.StartNew(() => Pump(source, sink, stream, prefix),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static void Pump(Stream source, ILineSink sink, OutputStream stream, byte[] prefix)
    {
        // Blocking reads on a dedicated thread: a rank's output must keep flowing even when the
        // thread pool is busy, and up to 2N pipes stay cheap this way.
        byte[] buffer = new byte[64 * 1024];
        int filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length < MaxLineBytes)
                    {
                        Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxLineBytes));
                    }
                    else
                    {
                        WriteWithNewline(sink, stream, prefix, buffer.AsSpan(0, filled));
                        filled = 0;
                    }
                }

                int read = source.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                    break;
                int scanFrom = filled;
                filled += read;

                int lastNewline = buffer.AsSpan(scanFrom, filled - scanFrom).LastIndexOf((byte)'\n');
                if (lastNewline < 0)
                    continue;
                int complete = scanFrom + lastNewline + 1;
                sink.WriteLines(stream, prefix, buffer.AsSpan(0, complete));
                Buffer.BlockCopy(buffer, complete, buffer, 0, filled - complete);
                filled -= complete;
            }
        }
        catch (IOException)
        {
            // The pipe broke (the process tree was killed); forward what arrived.
        }
        catch (ObjectDisposedException)
        {
        }
        if (filled > 0)
            WriteWithNewline(sink, stream, prefix, buffer.AsSpan(0, filled));
    }

    private static void WriteWithNewline(ILineSink sink, OutputStream stream, byte[] prefix, ReadOnlySpan<byte> text)
    {
        byte[] line = new byte[text.Length + 1];
        text.CopyTo(line);
        line[^1] = (byte)'\n';
        sink.WriteLines(stream, prefix, line);
    }
}
