// Stragglers: a collective is a synchronization point. No rank can leave an Allreduce before
// every rank has contributed to it, so in a loop of "compute, then Allreduce" every rank moves
// at the pace of the slowest one. Here each step's "compute" is a sleep: 10 ms on every rank,
// plus --delay-ms (default 40) on one slow rank (--slow-rank, default the last). Each rank times
// its compute and its Allreduce separately, and rank 0 gathers and prints them.
//
// What to look for: the fast ranks spend about --delay-ms of every step inside Allreduce — not
// moving data (the vector is only 32 KB) but waiting for the straggler — while the straggler
// itself barely waits at all, and every rank's step takes as long as the straggler's compute.
// When a profile shows a rank spending a lot of time in a collective, look at the other ranks.
//
//   dotnet mpirun -np 4 examples/Stragglers [--slow-rank R] [--delay-ms D]
using System.Globalization;
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
int slowRank = world.Size - 1, delayMs = 40;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--slow-rank")
        slowRank = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
    else if (args[i] == "--delay-ms")
        delayMs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
}
if ((uint)slowRank >= (uint)world.Size || delayMs < 0)
{
    if (world.Rank == 0)
        Console.Error.WriteLine($"stragglers: --slow-rank must be a rank (0..{world.Size - 1}) and --delay-ms not negative");
    return 2;
}
const int Steps = 12, ComputeMs = 10;
var gradient = new double[4096];

world.Allreduce(gradient, ReduceOp.Sum);                       // warm-up: connections, code paths
double computeSeconds = 0, waitSeconds = 0;
for (int step = 0; step < Steps; step++)
{
    double start = Mpi.Wtime();
    Thread.Sleep(world.Rank == slowRank ? ComputeMs + delayMs : ComputeMs);  // "compute"
    gradient.AsSpan().Fill(world.Rank + step);
    double computed = Mpi.Wtime();
    world.Allreduce(gradient, ReduceOp.Sum);
    double reduced = Mpi.Wtime();
    computeSeconds += computed - start;
    waitSeconds += reduced - computed;
}
// The last step summed rank + (Steps − 1) over all ranks.
bool sumOk = gradient[^1] == (double)world.Size * (Steps - 1) + (double)world.Size * (world.Size - 1) / 2;

// Per-rank milliseconds per step, in rank order at rank 0: [compute, wait] for each rank.
double[] perRank = world.Gather<double>([computeSeconds / Steps * 1e3, waitSeconds / Steps * 1e3], root: 0);
bool allSumsOk = world.Allreduce(sumOk ? 1 : 0, ReduceOp.Min) == 1;

if (world.Rank == 0)
{
    Console.WriteLine($"stragglers: rank {slowRank} computes {delayMs} ms longer than the others in each of {Steps} steps");
    Console.WriteLine($"  {"rank",4} {"compute (ms)",13} {"allreduce (ms)",15} {"step (ms)",10}");
    double slowCompute = perRank[2 * slowRank], slowWait = perRank[2 * slowRank + 1];
    double minFastWait = double.MaxValue, maxFastWait = 0, minStep = double.MaxValue, maxStep = 0;
    bool tracking = true;
    for (int r = 0; r < world.Size; r++)
    {
        double compute = perRank[2 * r], wait = perRank[2 * r + 1], step = compute + wait;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {r,4} {compute,13:F1} {wait,15:F1} {step,10:F1}"));
        minStep = Math.Min(minStep, step);
        maxStep = Math.Max(maxStep, step);
        if (r != slowRank)
        {
            minFastWait = Math.Min(minFastWait, wait);
            maxFastWait = Math.Max(maxFastWait, wait);
            tracking &= wait >= 0.5 * (slowCompute - compute);   // waited for (most of) the straggler
        }
    }
    tracking &= slowWait < 0.5 * delayMs || delayMs == 0;         // the straggler itself hardly waits
    tracking &= maxStep - minStep < 0.25 * delayMs + 2;           // every rank runs at the same pace
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"stragglers: {world.Size} ranks, slow rank {slowRank} computes {slowCompute:F1} ms/step; " +
        $"allreduce wait {minFastWait:F1}-{maxFastWait:F1} ms on the other ranks, {slowWait:F1} ms on the slow rank; " +
        $"steps take {minStep:F1}-{maxStep:F1} ms on every rank{(tracking ? "" : " (NOT tracking the slowest rank)")}"));
    if (!tracking || !allSumsOk)
    {
        Console.Error.WriteLine(allSumsOk
            ? "stragglers: the ranks' Allreduce times do not track the slowest rank as expected"
            : "stragglers: an Allreduce returned a wrong sum");
        return 1;
    }
}
return 0;
