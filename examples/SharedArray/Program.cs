// SharedArray: one copy of a large read-only array per host, against a copy per rank.
// Rank 0 makes an array of MIB mebibytes of floats (deterministic values: in a real program it
// would read them from a file) and every rank computes over all of it: rank r counts the values
// above the threshold r / size. Twice:
//
//  - shared: world.BroadcastShared fills rank 0's host block in place (no private copy even on
//    the root), sends it once to one leader per other host, and every rank reads its host's copy;
//  - private: every rank allocates its own float[] and world.Broadcast fills it (what a program
//    without shared memory does).
//
// After each, every rank reads its memory from /proc/self/smaps_rollup and /proc/self/status,
// and the ranks of rank 0's host add up their Pss (proportional set size: a page shared by k
// processes counts 1/k in each, so the sum is the memory the host really holds). The growth over
// the baseline taken before the array existed is printed beside the array's size. VmRSS (and its
// RssShmem part) counts every shared page fully in every process, so it overstates the host's use.
//
//   dotnet mpirun -np 4 examples/SharedArray [MIB]      (default 256)
using System.Globalization;
using Hpc;
using Hpc.Tasks;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
int mebibytes = args.Length > 0 && int.TryParse(args[0], CultureInfo.InvariantCulture, out int m) ? m : args.Length > 0 ? -1 : 256;
if (mebibytes < 1 || mebibytes > 8191)
{
    if (world.Rank == 0)
        Console.Error.WriteLine($"shared-array: MIB ('{args[0]}') must be a whole number of mebibytes from 1 to 8191");
    return 2;
}
int length = (int)(mebibytes * 1024L * 1024 / sizeof(float));
using Communicator host = world.SplitByHost();
float threshold = (float)world.Rank / world.Size;

Memory baseline = Memory.OnHost(host);

// ---- one copy per host
long sharedCount;
Memory shared;
using (SharedReadOnlyArray<float> copy = world.BroadcastShared<float>(length, root: 0, Make))
{
    sharedCount = CountAbove(copy.Span, threshold);
    shared = Memory.OnHost(host);
}

// ---- a copy per rank
world.Barrier();
float[] own = new float[length];
if (world.Rank == 0)
    Make(own);
world.Broadcast(own, root: 0);
long privateCount = CountAbove(own, threshold);
Memory perRank = Memory.OnHost(host);
GC.KeepAlive(own);

bool identical = world.Allreduce(sharedCount == privateCount ? 0 : 1, ReduceOp.Sum) == 0;
long[] counts = world.Gather(sharedCount, root: 0);
if (world.Rank == 0)
{
    double size = mebibytes;
    Console.WriteLine($"shared-array: {world.Size} ranks on {world.HostCount} host(s), an array of {mebibytes} MiB ({length} floats); rank 0's host has {host.Size} ranks");
    Console.WriteLine($"  counts above rank/size: {string.Join(" ", counts)}");
    Console.WriteLine($"  {"",-28} {"host Pss",10} {"growth",10} {"x array",8} {"VmRSS/rank",11} {"RssShmem/rank",14}");
    Console.WriteLine($"  {"baseline",-28} {baseline.PssMiB,10:F1} {"",10} {"",8} {baseline.RssMiB,11:F1} {baseline.ShmemMiB,14:F1}");
    Console.WriteLine($"  {"one copy per host (shared)",-28} {shared.PssMiB,10:F1} {shared.PssMiB - baseline.PssMiB,10:F1} {(shared.PssMiB - baseline.PssMiB) / size,8:F2} {shared.RssMiB,11:F1} {shared.ShmemMiB,14:F1}");
    Console.WriteLine($"  {"a copy per rank (Broadcast)",-28} {perRank.PssMiB,10:F1} {perRank.PssMiB - baseline.PssMiB,10:F1} {(perRank.PssMiB - baseline.PssMiB) / size,8:F2} {perRank.RssMiB,11:F1} {perRank.ShmemMiB,14:F1}");
    Console.WriteLine($"shared-array: {host.Size} ranks on one host, {mebibytes} MiB array: one copy per host +{shared.PssMiB - baseline.PssMiB:F0} MiB Pss ({(shared.PssMiB - baseline.PssMiB) / size:F2}x the array), a copy per rank +{perRank.PssMiB - baseline.PssMiB:F0} MiB ({(perRank.PssMiB - baseline.PssMiB) / size:F2}x); results {(identical ? "identical" : "DIFFER")}");
}
return identical ? 0 : 1;

// Deterministic values in [0, 1): a multiplicative hash of the index.
static void Make(Span<float> data)
{
    for (int i = 0; i < data.Length; i++)
        data[i] = (uint)(i * 2654435761u) / 4294967296f;
}

static long CountAbove(ReadOnlySpan<float> data, float threshold)
{
    long count = 0;
    foreach (float x in data)
        count += x > threshold ? 1 : 0;
    return count;
}

/// <summary>Memory of this rank's host: Pss summed over the host's ranks; VmRSS and RssShmem of rank 0 of the host.</summary>
internal readonly record struct Memory(double PssMiB, double RssMiB, double ShmemMiB)
{
    public static Memory OnHost(Communicator host)
    {
        // Everyone measures at the same point of the program.
        host.Barrier();
        long pss = Kilobytes("/proc/self/smaps_rollup", "Pss:");
        long rss = Kilobytes("/proc/self/status", "VmRSS:");
        long shmem = Kilobytes("/proc/self/status", "RssShmem:");
        long hostPss = host.Allreduce(pss, ReduceOp.Sum);
        return new Memory(hostPss / 1024.0, rss / 1024.0, shmem / 1024.0);
    }

    private static long Kilobytes(string file, string key)
    {
        foreach (string line in File.ReadLines(file))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line.AsSpan(key.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"{file} has no {key} line");
    }
}
