// HaloExchange: domain decomposition, the pattern of most scientific codes. The 1-D heat
// equation u_t = u_xx is solved with the explicit stencil
//
//     u'[i] = u[i] + r·(u[i−1] − 2·u[i] + u[i+1])        (r = 0.25, ends held at 0)
//
// Each rank owns a contiguous block of the grid plus one "ghost" cell at each end. A point's
// update needs its neighbours, so before every step each rank swaps its edge values with the
// ranks on either side (a halo exchange). SendReceive does each swap in one deadlock-free call:
// first everyone shifts right (send my last point right, receive my left ghost from the left),
// then everyone shifts left. The outermost ranks have no neighbour on one side and just send or
// just receive.
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
const int ShiftRight = 1, ShiftLeft = 2;

// My block: global points [start, start + n), stored in u[1..n]; u[0] and u[n+1] are ghosts.
int start = (int)((long)points * world.Rank / world.Size);
int n = (int)((long)points * (world.Rank + 1) / world.Size) - start;
int left = world.Rank - 1, right = world.Rank + 1;            // -1 or Size: no neighbour (a wall)
bool hasLeft = left >= 0, hasRight = right < world.Size;
var u = new double[n + 2];
var next = new double[n + 2];
for (int i = 0; i < n; i++)
    u[i + 1] = Initial(start + i, points);

double clockStart = Mpi.Wtime();
for (int step = 0; step < steps; step++)
{
    // Halo exchange. Walls stay 0: the ghost beyond a wall is never written.
    if (hasLeft && hasRight)
        u[0] = world.SendReceive(u[n], right, ShiftRight, left, ShiftRight);
    else if (hasRight)
        world.Send(u[n], right, ShiftRight);
    else if (hasLeft)
        u[0] = world.Receive<double>(left, ShiftRight);

    if (hasLeft && hasRight)
        u[n + 1] = world.SendReceive(u[1], left, ShiftLeft, right, ShiftLeft);
    else if (hasLeft)
        world.Send(u[1], left, ShiftLeft);
    else if (hasRight)
        u[n + 1] = world.Receive<double>(right, ShiftLeft);

    Stencil(u, next, n);
    (u, next) = (next, u);
}
double seconds = Mpi.Wtime() - clockStart;

// Collect the blocks at rank 0 in grid order (blocks differ in size by at most one: Gatherv).
int[] counts = world.Gather(n, root: 0);
var parallel = new double[world.Rank == 0 ? points : 0];
world.Gatherv<double>(u.AsSpan(1, n), parallel, counts, root: 0);

if (world.Rank == 0)
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
