// PingPong: how fast one message travels between two ranks. Rank 0 sends a buffer to rank 1,
// which sends it straight back; half the round trip is the one-way latency, and size divided
// by it the bandwidth. Small messages measure the software overhead per message, large ones
// the transport's bandwidth. Sizes, iteration counts and formulas match the Open MPI reference
// in ../shared/anchors/ompi_bench.c, so the two tables can be compared line by line.
//
//   dotnet mpirun -np 2 examples/PingPong [MAXBYTES] [MINBYTES]
using System.Globalization;
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
if (world.Size < 2)
{
    Console.Error.WriteLine("pingpong: needs at least 2 ranks (dotnet mpirun -np 2 examples/PingPong)");
    return 2;
}
long maxBytes = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 16L << 20;
long minBytes = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 4;
var a = new float[maxBytes / sizeof(float)];
var b = new float[maxBytes / sizeof(float)];

if (world.Rank == 0)
{
    Console.WriteLine($"# pingpong np={world.Size} (one-way, ranks 0 and 1)");
    Console.WriteLine($"# {"Size",-10} {"Latency(us)",14} {"Bandwidth(GB/s)",16}");
}
for (long bytes = minBytes; bytes <= maxBytes; bytes *= 4)
{
    int n = (int)(bytes / sizeof(float));
    int iterations = bytes <= 8192 ? 2000 : bytes <= 1 << 20 ? 200 : 20;
    Span<float> send = a.AsSpan(0, n), receive = b.AsSpan(0, n);
    world.Barrier();
    double start = 0;
    for (int i = 0; i < iterations + 10; i++)
    {
        if (i == 10)
            start = Mpi.Wtime();
        if (world.Rank == 0)
        {
            world.Send<float>(send, 1, 1);
            world.Receive(receive, 1, 1);
        }
        else if (world.Rank == 1)
        {
            world.Receive(receive, 0, 1);
            world.Send<float>(send, 0, 1);
        }
    }
    double oneWayMicros = (Mpi.Wtime() - start) / iterations / 2 * 1e6;
    if (world.Rank == 0)
        Console.WriteLine($"  {bytes,-10} {oneWayMicros,14:F2} {bytes / oneWayMicros / 1e3,16:F2}");
}
return 0;
