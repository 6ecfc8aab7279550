// Amdahl: why adding ranks stops helping. A job whose fraction s must run on one rank (here: a
// serial phase whose result the parallel phase needs) can never run faster than 1/s, however many
// ranks share the rest. On n ranks the best possible speedup is Amdahl's bound
//
//     S(n) = 1 / (s + (1 − s) / n)
//
// The program times the same fixed job on teams of 1, 2, …, np ranks. Each team is a
// sub-communicator made with world.Split: ranks below k join team k, the others pass
// Communicator.Undefined and sit the round out. Within a team, rank 0 runs the serial part and
// broadcasts its result, then all members share the parallel part and Reduce their partial
// results. The measured speedup T(1)/T(k) is printed beside the bound, and every team's result
// must equal the one-rank result.
//
// Measured speedups also stop at the number of cores: with 4 ranks on a 2-core machine, at most
// two ranks compute at once, so beyond 2 the measurement falls short of the bound.
//
//   dotnet mpirun -np 4 examples/Amdahl [--serial 0.1] [--work UNITS]
using System.Globalization;
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
double serialFraction = 0.1;
long units = 3_000_000;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--serial")
        serialFraction = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
    else if (args[i] == "--work")
        units = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
}
if (!(serialFraction is >= 0 and <= 1))
{
    if (world.Rank == 0)
        Console.Error.WriteLine($"amdahl: --serial {serialFraction} is not a fraction between 0 and 1");
    return 2;
}
const int Repetitions = 3;                                   // best of 3 hides one-off hiccups
long serialUnits = (long)Math.Round(serialFraction * units);

var times = new double[world.Size + 1];
var checksums = new ulong[world.Size + 1];
if (world.Rank == 0)
    Console.WriteLine($"amdahl: {units} units of work, serial fraction {serialFraction.ToString("F2", CultureInfo.InvariantCulture)}, " +
        $"{Environment.ProcessorCount} cores\n  {"ranks",5} {"time (ms)",10} {"speedup",8} {"bound",7}");
for (int k = 1; k <= world.Size; k++)
{
    using Communicator? team = world.Split(world.Rank < k ? 0 : Communicator.Undefined, key: world.Rank);
    if (team is null)
        continue;                                            // not in this round's team
    double best = double.MaxValue;
    for (int repetition = 0; repetition < Repetitions; repetition++)
    {
        team.Barrier();
        double start = Mpi.Wtime();
        ulong serialResult = team.Rank == 0 ? Work(0, serialUnits) : 0;   // one rank works, the rest wait
        serialResult = team.Broadcast(serialResult, root: 0);
        long from = serialUnits + (units - serialUnits) * team.Rank / team.Size;
        long to = serialUnits + (units - serialUnits) * (team.Rank + 1) / team.Size;
        ulong total = team.Reduce(Work(from, to), ReduceOp.Sum, root: 0);  // everyone works
        best = Math.Min(best, Mpi.Wtime() - start);
        checksums[k] = serialResult + total;
    }
    times[k] = best;
}

if (world.Rank == 0)
{
    var speedups = new List<string>();
    var bounds = new List<string>();
    for (int k = 1; k <= world.Size; k++)
    {
        double speedup = times[1] / times[k];
        double bound = 1 / (serialFraction + (1 - serialFraction) / k);
        speedups.Add(speedup.ToString("F2", CultureInfo.InvariantCulture));
        bounds.Add(bound.ToString("F2", CultureInfo.InvariantCulture));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {k,5} {times[k] * 1e3,10:F1} {speedup,8:F2} {bound,7:F2}"));
    }
    if (world.Size > Environment.ProcessorCount)
        Console.WriteLine($"  note: only {Environment.ProcessorCount} cores here, so teams larger than {Environment.ProcessorCount} cannot reach the bound");
    bool agree = checksums.Skip(1).All(c => c == checksums[1]);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"amdahl: serial {serialFraction:F2}, ranks 1..{world.Size}, speedup {string.Join(' ', speedups)} " +
        $"(bound {string.Join(' ', bounds)}), results {(agree ? "agree" : "DIFFER")}"));
    if (!agree)
    {
        Console.Error.WriteLine($"amdahl: teams computed different results: {string.Join(' ', checksums.Skip(1).Select(c => c.ToString("x16")))}");
        return 1;
    }
}
return 0;

// The work: units from..to-1, each a few rounds of integer hashing, summed (wrapping, so the
// total does not depend on how the units are split or in which order partial sums are added).
static ulong Work(long from, long to)
{
    ulong sum = 0;
    for (long i = from; i < to; i++)
    {
        ulong h = (ulong)i;
        for (int round = 0; round < 32; round++)
        {
            h ^= h >> 31;
            h *= 0x9E3779B97F4A7C15;
        }
        sum += h;
    }
    return sum;
}
