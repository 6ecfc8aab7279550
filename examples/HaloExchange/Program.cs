// HaloExchange: domain decomposition, the pattern of most scientific codes. The 1-D heat
// equation u_t = u_xx is solved with the explicit stencil
//
//     u'[i] = u[i] + r·(u[i−1] − 2·u[i] + u[i+1])        (r = 0.25, ends held at 0)
//
// The ranks form a 1-D Cartesian grid (CreateCartesian, not periodic: the rod has two walls).
// Each rank owns a contiguous block of the rod plus one "ghost" cell at each end. A point's
// update needs its neighbours, so before every step each rank swaps its edge values with the
// ranks on either side (a halo exchange), in one neighbourhood collective: NeighborAlltoall
// sends block 0 to the neighbour at −1 and block 1 to the one at +1, and receives block 0 from
// −1 and block 1 from +1. Past a wall the neighbour is ProcNull: nothing is sent there and that
// ghost is left as it was, 0. The same code runs on 2-D and 3-D grids with more blocks.
//
// Rank 0 also solves the whole grid alone. Every point is computed from the same inputs by the
// same expression in both runs, so the results must agree exactly; the program prints the max
// difference and fails if it is not below 1e-12.
//
//   dotnet mpirun -np 4 examples/HaloExchange [POINTS] [STEPS]
using System.Globalization;
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
int points = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4096;
int steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
const double R = 0.25;

// A line of all the ranks, ends not joined; reorder is allowed, so use the rank it gives.
using Communicator rod = world.CreateCartesian(CartesianTopology.ComputeDimensions(world.Size, 1), [false], reorder: true)!;

// My block: global points [start, start + n), stored in u[1..n]; u[0] and u[n+1] are ghosts.
int block = rod.Cartesian.Coordinates[0];
int start = (int)((long)points * block / rod.Size);
int n = (int)((long)points * (block + 1) / rod.Size) - start;
var u = new double[n + 2];
var next = new double[n + 2];
for (int i = 0; i < n; i++)
    u[i + 1] = Initial(start + i, points);

var edges = new double[2];   // what I send: my first point (to −1), my last point (to +1)
var ghosts = new double[2];  // what I get: −1's last point, +1's first point; 0 beyond a wall
double clockStart = Mpi.Wtime();
for (int step = 0; step < steps; step++)
{
    // Halo exchange with both neighbours at once; a wall's ghost stays 0.
    edges[0] = u[1];
    edges[1] = u[n];
    rod.NeighborAlltoall<double>(edges, ghosts);
    u[0] = ghosts[0];
    u[n + 1] = ghosts[1];

    Stencil(u, next, n);
    (u, next) = (next, u);
}
double seconds = Mpi.Wtime() - clockStart;

// Collect the blocks at rank 0 in grid order (blocks differ in size by at most one: Gatherv).
// In one dimension a rank's coordinate is its rank, so rank order is rod order.
int[] counts = rod.Gather(n, root: 0);
var parallel = new double[rod.Rank == 0 ? points : 0];
rod.Gatherv<double>(u.AsSpan(1, n), parallel, counts, root: 0);

if (rod.Rank == 0)
{
    var serial = new double[points + 2];
    var scratch = new double[points + 2];
    for (int i = 0; i < points; i++)
        serial[i + 1] = Initial(i, points);
    for (int step = 0; step < steps; step++)
    {
        Stencil(serial, scratch, points);
        (serial, scratch) = (scratch, serial);
    }
    double maxDifference = 0;
    for (int i = 0; i < points; i++)
        maxDifference = Math.Max(maxDifference, Math.Abs(parallel[i] - serial[i + 1]));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"heat: {world.Size} ranks, {points} points, {steps} steps in {seconds:F2} s, " +
        $"max |parallel - serial| = {maxDifference:G3} (must be < 1e-12)"));
    if (!(maxDifference < 1e-12))
    {
        Console.Error.WriteLine($"heat: the parallel solution differs from the serial one by {maxDifference:G6}");
        return 1;
    }
}
return 0;

// One explicit step over points 1..n of u (0 and n+1 are the ghosts or walls).
static void Stencil(double[] u, double[] next, int n)
{
    for (int i = 1; i <= n; i++)
        next[i] = u[i] + R * (u[i - 1] - 2 * u[i] + u[i + 1]);
}

// A hot band in the middle of a cold rod, plus a gentle ripple.
static double Initial(int i, int points)
{
    double x = (i + 0.5) / points;
    return (Math.Abs(x - 0.5) < 0.1 ? 1.0 : 0.0) + 0.1 * Math.Sin(6 * Math.PI * x);
}
