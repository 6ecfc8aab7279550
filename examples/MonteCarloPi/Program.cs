// MonteCarloPi: the embarrassingly parallel pattern. Every rank throws darts at the unit square
// with its own random stream (seeded by rank, so runs repeat exactly and no two ranks throw the
// same darts), counts those inside the quarter circle, and one Reduce adds the counts at rank 0.
// The ranks never talk while they work, so the only cost of parallelism is one message per rank.
//
// The fraction of hits estimates p = π/4, so π ≈ 4·hits/n. Each dart is a coin flip with
// probability p, so the estimate has standard deviation σ = 4·sqrt(p(1−p)/n): more darts (more
// ranks) shrink the error like 1/sqrt(n). The program accepts the estimate when it lies within 5σ
// of π — a check that a correct program fails about once in two million runs.
//
//   dotnet mpirun -np 4 examples/MonteCarloPi [DARTS_PER_RANK]
using System.Globalization;
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
long dartsPerRank = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 4_000_000;

var random = new Random(Seed: 20_240_601 + world.Rank);   // one reproducible stream per rank
long hits = 0;
for (long i = 0; i < dartsPerRank; i++)
{
    double x = random.NextDouble(), y = random.NextDouble();
    if (x * x + y * y <= 1.0)
        hits++;
}

long totalHits = world.Reduce(hits, ReduceOp.Sum, root: 0);   // meaningful at rank 0 only

if (world.Rank == 0)
{
    long darts = dartsPerRank * world.Size;
    double estimate = 4.0 * totalHits / darts;
    double p = Math.PI / 4;
    double sigma = 4 * Math.Sqrt(p * (1 - p) / darts);
    double tolerance = 5 * sigma;
    double error = Math.Abs(estimate - Math.PI);
    Console.WriteLine($"montecarlo: {world.Size} ranks x {dartsPerRank} darts = {darts} darts, {totalHits} hits");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"pi ≈ {estimate:F6} (error {error:F6}, tolerance {tolerance:F6})"));
    if (!(error <= tolerance))
    {
        Console.Error.WriteLine($"montecarlo: the estimate is off by {error:G4}, more than 5σ = {tolerance:G4}");
        return 1;
    }
}
return 0;
