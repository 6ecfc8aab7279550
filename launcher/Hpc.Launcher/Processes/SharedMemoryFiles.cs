namespace Hpc.Launcher;

/// <summary>
/// The shared-memory files of one job in <c>/dev/shm</c>, removed when the job ends by mpirun on
/// its host and by each daemon on its own. The transport names them <c>hpc-&lt;jobid&gt;*</c>;
/// files named by the job id alone are taken too, since the id already starts with <c>hpc-</c>.
/// </summary>
internal static class SharedMemoryFiles
{
    private const string Directory = "/dev/shm";

    /// <summary>
    /// Deletes every file of job <paramref name="jobId"/>; a file that cannot be removed is
    /// reported through <paramref name="report"/>, everything else goes to <paramref name="log"/>.
    /// </summary>
    public static void Remove(string jobId, Action<string> report, Action<string> log)
    {
        if (!System.IO.Directory.Exists(Directory))
            return;
        foreach (string pattern in new[] { "hpc-" + jobId + "*", jobId + "*" })
        {
            try
            {
                foreach (string file in System.IO.Directory.EnumerateFiles(Directory, pattern))
                {
                    try
                    {
                        File.Delete(file);
                        log($"removed {file}");
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        report($"cannot remove {file}: {e.Message}");
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log($"cannot list {Directory}: {e.Message}");
            }
        }
    }
}
