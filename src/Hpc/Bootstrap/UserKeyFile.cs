using System.Security.Cryptography;

namespace Hpc.Bootstrap;

/// <summary>
/// The per-user key that direct launch derives job secrets from, kept as ssh keeps its keys:
/// <c>~/.hpc/job-secret</c> (or <c>HPC_SECRET_FILE</c>), created readable by its owner only when
/// missing, refused when anyone else may read it. Every rank of a job reads the same file (a
/// cluster shares home directories), so every rank derives the same secret; another user of the
/// cluster cannot read the file and so cannot join or impersonate a rank.
/// </summary>
/// <remarks>
/// The key never travels: <see cref="DeriveSecret"/> binds it to the job (Slurm job and step id,
/// or the coordinator address), so a secret that leaked from one job proves nothing in the next.
/// </remarks>
internal static class UserKeyFile
{
    /// <summary>Overrides where the key lives (<c>HPC_SECRET_FILE</c>); default <c>~/.hpc/job-secret</c>.</summary>
    public const string PathVariable = "HPC_SECRET_FILE";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Where the key file is: <c>HPC_SECRET_FILE</c>, else <c>$HOME/.hpc/job-secret</c>.</summary>
    public static string PathFrom(Func<string, string?> lookup)
    {
        if (lookup(PathVariable) is { Length: > 0 } path)
            return path;
        string home = lookup("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".hpc", "job-secret");
    }

    /// <summary>
    /// The key's bytes, creating the file (0600, its directory 0700) with 32 random bytes when it
    /// does not exist. Several ranks may race to create it: the first link wins, the others read it.
    /// </summary>
    /// <exception cref="HpcException">The file is readable by group or others, empty, or cannot be read or created.</exception>
    public static byte[] ReadOrCreate(string path)
    {
        try
        {
            if (!File.Exists(path))
                Create(path);
            if (!OperatingSystem.IsWindows())
            {
                UnixFileMode mode = File.GetUnixFileMode(path);
                if ((mode & GroupOrOthers) != 0)
                    throw new HpcException($"{path} has mode {ModeText(mode)}, readable by other users; run 'chmod 600 {path}' (the direct-launch job key must be private, as an ssh key is)");
            }
            byte[] key = Encoding.ASCII.GetBytes(File.ReadAllText(path).Trim());
            if (key.Length < 16)
                throw new HpcException($"{path} holds {key.Length} bytes; the direct-launch job key needs at least 16 (delete the file and a new one is made)");
            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HpcException($"cannot read or create the direct-launch job key {path}: {e.Message}");
        }
    }

    /// <summary>The job secret (hex, as the launcher's) for <paramref name="scope"/>: HMAC-SHA256(key, scope).</summary>
    public static string DeriveSecret(byte[] key, string scope) =>
        Convert.ToHexString(HmacSha256.HashData(key, Encoding.UTF8.GetBytes("hpc-job-secret|" + scope)));

    private static void Create(string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(directory);
            else
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        // Written whole under a private name, then linked into place without overwriting: a rank
        // never reads a half-written key, and concurrent creators agree on the first one.
        string temporary = path + ".tmp-" + Environment.ProcessId + "-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnly;
        try
        {
            using (var stream = new FileStream(temporary, options))
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) + "\n"));
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another rank created it first: use theirs.
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string ModeText(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);
}
