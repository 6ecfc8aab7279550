using System.Text;

namespace Hpc.Launcher;

/// <summary>
/// The launcher's stdout and stderr, shared by every rank's forwarder and by the launcher's own
/// messages. One lock covers both streams, so a line is always written whole and two ranks can
/// never meet inside one line.
/// </summary>
/// <remarks>
/// Bytes are forwarded as they came, never decoded, so a rank's output in any encoding survives.
/// A stream whose reader went away (EPIPE) is dropped silently and the ranks keep running: their
/// pipes are still drained so they never block on a full pipe.
/// </remarks>
internal sealed class OutputSink : ILineSink, IDisposable
{
    private readonly object _lock = new();
    private readonly Stream?[] _streams;

    /// <summary>Wraps the two streams; the sink owns them.</summary>
    public OutputSink(Stream stdout, Stream stderr)
    {
        _streams = [new BufferedStream(stdout, 64 * 1024), new BufferedStream(stderr, 16 * 1024)];
    }

    /// <summary>A sink over the process's own standard output and error.</summary>
    public static OutputSink ForConsole() => new(Console.OpenStandardOutput(), Console.OpenStandardError());

    /// <summary>
    /// Writes complete lines (each ended by '\n') to stdout or stderr, putting
    /// <paramref name="prefix"/> before each, then flushes.
    /// </summary>
    public void WriteLines(OutputStream stream, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> lines)
    {
        lock (_lock)
        {
            Stream? target = _streams[(int)stream];
            if (target is null)
                return;
            try
            {
                if (prefix.IsEmpty)
                {
                    target.Write(lines);
                }
                else
                {
                    while (!lines.IsEmpty)
                    {
                        int end = lines.IndexOf((byte)'\n');
                        int length = end < 0 ? lines.Length : end + 1;
                        target.Write(prefix);
                        target.Write(lines[..length]);
                        lines = lines[length..];
                    }
                }
                target.Flush();
            }
            catch (IOException)
            {
                _streams[(int)stream] = null;
            }
        }
    }

    /// <summary>Writes one message line of the launcher's own (<c>mpirun: ...</c>) to stderr.</summary>
    public void Message(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes("mpirun: " + text + "\n");
        WriteLines(OutputStream.Stderr, default, bytes);
    }

    /// <summary>Writes <paramref name="text"/> as is to stdout (help, version).</summary>
    public void Print(string text)
    {
        if (!text.EndsWith('\n'))
            text += "\n";
        WriteLines(OutputStream.Stdout, default, Encoding.UTF8.GetBytes(text));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            for (int i = 0; i < _streams.Length; i++)
            {
                try
                {
                    _streams[i]?.Dispose();
                }
                catch (IOException)
                {
                    // The reader is gone; nothing left to tell it.
                }
                _streams[i] = null;
            }
        }
    }
}

/// <summary>Which of the launcher's output streams a line goes to.</summary>
internal enum OutputStream
{
    /// <summary>Standard output.</summary>
    Stdout = 0,
    /// <summary>Standard error.</summary>
    Stderr = 1,
}
