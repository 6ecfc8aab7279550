using System.IO.MemoryMappedFiles;


namespace Hpc.Transport.SharedMemory;

/// <summary>
/// A file under /dev/shm mapped into this process. Created with permissions 0600 and a name that
/// carries the job id, so a stale file of an earlier job can never be opened by a new one.
/// </summary>
internal sealed unsafe class SharedSegment : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private byte* _pointer;

    private SharedSegment(string path, long size, MemoryMappedFile file, MemoryMappedViewAccessor view)
    {
        Path = path;
        Size = size;
        _file = file;
        _view = view;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref _pointer);
        _pointer += view.PointerOffset;
    }

    public string Path { get; }
    public long Size { get; }
    public byte* Pointer => _pointer;

    /// <summary>Creates a new zero-filled segment; fails if the file exists.</summary>
    /// <param name="path">The file, under /dev/shm.</param>
    /// <param name="size">Its size in bytes.</param>
    /// <param name="reserve">
    /// Allocate every page now (fallocate): a full /dev/shm then fails here with an IOException
    /// instead of killing with SIGBUS whichever process first touches a page that cannot be had.
    /// </param>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static SharedSegment Create(string path, long size, bool reserve = false)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            PreallocationSize = reserve ? size : 0,
        });
        try
        {
            stream.SetLength(size);
            return Map(path, size, stream);
        }
        catch
        {
            stream.Dispose();
            TryDelete(path);
            throw;
        }
    }

    /// <summary>Maps an existing segment that another rank created.</summary>
    public static SharedSegment Open(string path, long size)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        try
        {
            if (stream.Length != size)
                throw new HpcException($"shared-memory segment {path} has {stream.Length} bytes, expected {size}");
            return Map(path, size, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static SharedSegment Map(string path, long size, FileStream stream)
    {
        MemoryMappedFile file = MemoryMappedFile.CreateFromFile(stream, null, size, MemoryMappedFileAccess.ReadWrite,
            HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor view = file.CreateViewAccessor(0, size, MemoryMappedFileAccess.ReadWrite);
        return new SharedSegment(path, size, file, view);
    }

    /// <summary>Removes the file name; the mapping stays valid until every process unmaps it.</summary>
    public void Unlink() => TryDelete(Path);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public void Dispose()
    {
        if (_pointer != null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _pointer = null;
        }
        _view.Dispose();
        _file.Dispose();
    }
}
