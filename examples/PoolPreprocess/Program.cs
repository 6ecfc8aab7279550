// PoolPreprocess: Pool.map over files of uneven sizes, against a static split of the same files.
// Rank 0 writes FILES files of doubles whose sizes fall from large to small (as a directory
// sorted by name often does: the big recordings first). Every file is preprocessed the same
// way: read, normalize to zero mean and unit variance, smooth with a 5-point moving average
// (PASSES times), write <file>.out, return a checksum of the output (XxHash3 of its bytes).
//
//  - static: Scatterv deals each rank a contiguous run of file indices (what ParallelPreprocess
//    does with rows); the rank that got the big files finishes last and everyone waits for it.
//  - dynamic: a TaskPool (rank 0 the client, the others workers) hands out one file at a time to
//    whichever worker is idle, so the big files spread out (multiprocessing.Pool.map with
//    chunksize=1). Rank 0 prints a progress line as files complete.
//
// Both run the same Preprocess on the same files, so rank 0 checks that the checksums are
// identical, bit for bit. The files live in a temporary directory on rank 0's host (on several
// hosts, point TMPDIR at a shared file system), removed at the end.
//
//   dotnet mpirun -np 4 examples/PoolPreprocess [FILES] [PASSES]
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Hpc;
using Hpc.Tasks;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
int files = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 40;
int passes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
if (files < 1 || passes < 0)
{
    if (world.Rank == 0)
        Console.Error.WriteLine($"pool-preprocess: FILES ({files}) must be 1 or more and PASSES ({passes}) 0 or more");
    return 2;
}

// Rank 0 makes the files and tells everyone the directory (as bytes: Broadcast sends unmanaged data).
byte[] directoryName = [];
if (world.Rank == 0)
    directoryName = System.Text.Encoding.UTF8.GetBytes(Files.Create(files, passes));
int nameLength = world.Broadcast(directoryName.Length, root: 0);
Array.Resize(ref directoryName, nameLength);
world.Broadcast(directoryName, root: 0);
string directory = System.Text.Encoding.UTF8.GetString(directoryName);
string[] paths = [.. Enumerable.Range(0, files).Select(i => Files.PathOf(directory, i))];

try
{
    // ---- static: contiguous runs of files per rank, by Scatterv of their indices.
    world.Barrier();
    double start = Mpi.Wtime();
    int[] counts = [.. Enumerable.Range(0, world.Size).Select(r => (int)((long)files * (r + 1) / world.Size - (long)files * r / world.Size))];
    var mine = new int[counts[world.Rank]];
    world.Scatterv<int>(world.Rank == 0 ? [.. Enumerable.Range(0, files)] : [], counts, mine, root: 0);
    ulong[] myChecksums = [.. mine.Select(i => Files.Preprocess(paths[i]))];
    var staticChecksums = new ulong[world.Rank == 0 ? files : 0];
    world.Gatherv<ulong>(myChecksums, staticChecksums, counts, root: 0);
    double staticSeconds = Mpi.Wtime() - start;

    // ---- dynamic: one file per task to whichever worker is idle.
    world.Barrier();
    start = Mpi.Wtime();
    ulong[] poolChecksums = [];
    using (TaskPool? pool = TaskPool.Create(world))
    {
        if (pool is not null)
        {
            var progress = new ProgressLine("pool-preprocess");
            poolChecksums = pool.Map(Files.Preprocess, paths, chunkSize: 1, progress);
            progress.Done();
        }
    }
    double poolSeconds = Mpi.Wtime() - start;

    if (world.Rank == 0)
    {
        int differ = Enumerable.Range(0, files).Count(i => poolChecksums[i] != staticChecksums[i]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pool-preprocess: {files} files of {Files.Bytes(files - 1, files) / 1024} KiB to {Files.Bytes(0, files) / 1024} KiB; " +
            $"static Scatterv over {world.Size} ranks {staticSeconds * 1e3:F0} ms, dynamic pool over {world.Size - 1} workers {poolSeconds * 1e3:F0} ms " +
            $"({staticSeconds / poolSeconds:F2}x); checksums {(differ == 0 ? "identical" : $"DIFFER for {differ} files")}"));
        if (Environment.ProcessorCount < world.Size)
            Console.Error.WriteLine($"pool-preprocess: note: only {Environment.ProcessorCount} cores here for {world.Size} ranks, so the static ranks that finish early hand their core to the one still working, and balancing cannot win much");
        if (differ != 0)
            return 1;
    }
}
finally
{
    world.Barrier();
    if (world.Rank == 0)
        Directory.Delete(directory, recursive: true);
}
return 0;

/// <summary>The files and the work on one of them; static, so every rank of the pool can run it.</summary>
internal static class Files
{
    private const string PassesFile = "passes";

    /// <summary>File i holds 4096 × (FILES − i)² / 32 doubles, at least 4096: the first files are the big ones.</summary>
    public static long Bytes(int i, int files) => 8L * Math.Max(4096, 4096L * (files - i) * (files - i) / 32);

    public static string PathOf(string directory, int i) => Path.Combine(directory, $"recording-{i:D4}.bin");

    public static string Create(int files, int passes)
    {
        string directory = Directory.CreateTempSubdirectory("hpc-pool-preprocess-").FullName;
        File.WriteAllText(Path.Combine(directory, PassesFile), passes.ToString(CultureInfo.InvariantCulture));
        var random = new Random(11);
        for (int i = 0; i < files; i++)
        {
            var values = new double[Bytes(i, files) / 8];
            double offset = random.NextDouble() * 100 - 50, scale = random.NextDouble() * 10 + 0.1;
            for (int j = 0; j < values.Length; j++)
                values[j] = offset + scale * Math.Sin(j * 0.01) + random.NextDouble();
            File.WriteAllBytes(PathOf(directory, i), MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        }
        return directory;
    }

    /// <summary>Read, normalize, smooth, write &lt;path&gt;.out; returns the XxHash3 of the output's bytes.</summary>
    public static ulong Preprocess(string path)
    {
        int passes = int.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, PassesFile)), CultureInfo.InvariantCulture);
        double[] x = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(path)).ToArray();
        double mean = x.Average();
        double std = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / x.Length);
        for (int j = 0; j < x.Length; j++)
            x[j] = (x[j] - mean) / (std + 1e-8);
        var y = new double[x.Length];
        for (int p = 0; p < passes; p++)
        {
            for (int j = 0; j < x.Length; j++)
            {
                double sum = 0;
                int n = 0;
                for (int k = Math.Max(0, j - 2); k <= Math.Min(x.Length - 1, j + 2); k++, n++)
                    sum += x[k];
                y[j] = sum / n;
            }
            (x, y) = (y, x);
        }
        ReadOnlySpan<byte> output = MemoryMarshal.AsBytes(x.AsSpan());
        File.WriteAllBytes(path + ".out", output);
        // A hash of the bytes, not a sum of the values: a sum misses outputs whose values are
        // reordered or whose differences cancel, and rounds away differences in the last bits.
        return XxHash3.HashToUInt64(output);
    }
}

/// <summary>"name: 12/40 files" on one terminal line; on a pipe, a line at every quarter.</summary>
internal sealed class ProgressLine(string name) : IProgress<TaskPoolProgress>
{
    private int _lastQuarter;

    public void Report(TaskPoolProgress value)
    {
        if (!Console.IsOutputRedirected)
        {
            Console.Write($"\r{name}: {value.Completed}/{value.Total} files");
            return;
        }
        int quarter = value.Completed * 4 / value.Total;
        if (quarter > _lastQuarter)
        {
            _lastQuarter = quarter;
            Console.WriteLine($"{name}: {value.Completed}/{value.Total} files done");
        }
    }

    public void Done()
    {
        if (!Console.IsOutputRedirected)
            Console.WriteLine();
    }
}
