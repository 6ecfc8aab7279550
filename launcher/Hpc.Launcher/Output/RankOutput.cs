using System.Globalization;
using System.Text;

namespace Hpc.Launcher;

/// <summary>
/// Where one rank's lines go, decided once for the job: mpirun's terminal or the rank's files
/// (<c>--output-filename</c>), with Open MPI's tag (<c>--tag-output</c>), a time stamp
/// (<c>--timestamp-output</c>), and stderr merged into stdout (<c>--merge-stderr-to-stdout</c>).
/// Lines of a local rank and lines a daemon relays for a remote rank go through the same object.
/// </summary>
/// <remarks>
/// The file layout is Open MPI's: <c>DIR/1/rank.N/stdout</c> and <c>DIR/1/rank.N/stderr</c>
/// (1 is the job number Open MPI gives the first job, as in the tag). Files replace the terminal,
/// so a job writing gigabytes does not also scroll them past.
/// </remarks>
internal sealed class RankOutput : ILineSink, IDisposable
{
    private readonly int _rank;
    private readonly int _jobNumber;
    private readonly OutputOptions _options;
    private readonly ILineSink _console;
    private readonly object _fileLock = new();
    private readonly FileStream?[] _files = new FileStream?[2];

    /// <summary>
    /// Prepares rank <paramref name="rank"/>'s output; creates its directory when writing to files.
    /// <paramref name="jobNumber"/> is Open MPI's job number in the tag and the directory: 1 for
    /// mpirun's ranks, 2 and up for the worlds they spawn.
    /// </summary>
    /// <exception cref="IOException">The output directory cannot be created.</exception>
    public RankOutput(int rank, OutputOptions options, ILineSink console, int jobNumber = 1)
    {
        _rank = rank;
        _jobNumber = jobNumber;
        _options = options;
        _console = console;
        if (options.Directory is { } root)
        {
            string directory = Path.Combine(root, jobNumber.ToString(CultureInfo.InvariantCulture), "rank." + rank.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(directory);
            _files[0] = new FileStream(Path.Combine(directory, "stdout"), FileMode.Create, FileAccess.Write, FileShare.Read);
            if (!options.MergeStderr)
                _files[1] = new FileStream(Path.Combine(directory, "stderr"), FileMode.Create, FileAccess.Write, FileShare.Read);
        }
    }

    /// <summary>Writes complete lines the rank wrote to <paramref name="stream"/>, each after <paramref name="prefix"/>.</summary>
    public void WriteLines(OutputStream stream, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> lines)
    {
        if (_options.MergeStderr)
            stream = OutputStream.Stdout;
        byte[] full = Prefix(stream, prefix);
        if (_options.Directory is null)
        {
            _console.WriteLines(stream, full, lines);
            return;
        }
        lock (_fileLock)
        {
            FileStream? file = _files[(int)stream];
            if (file is null)
                return;
            try
            {
                while (!lines.IsEmpty)
                {
                    int end = lines.IndexOf((byte)'\n');
                    int length = end < 0 ? lines.Length : end + 1;
                    file.Write(full);
                    file.Write(lines[..length]);
                    lines = lines[length..];
                }
                file.Flush();
            }
            catch (IOException)
            {
                // A full disk must not block the rank: its pipe is still drained.
                _files[(int)stream] = null;
            }
        }
    }

    private byte[] Prefix(OutputStream stream, ReadOnlySpan<byte> given)
    {
        if (!_options.Tag && !_options.Timestamp)
            return given.ToArray();
        var text = new StringBuilder();
        if (_options.Timestamp)
            text.Append('[').Append(DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append(']');
        byte[] head = Encoding.ASCII.GetBytes(text.ToString());
        byte[] tag = _options.Tag ? OutputForwarder.Tag(_rank, stream, _jobNumber) : [];
        return [.. head, .. tag, .. given];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_fileLock)
        {
            for (int i = 0; i < _files.Length; i++)
            {
                _files[i]?.Dispose();
                _files[i] = null;
            }
        }
    }
}
