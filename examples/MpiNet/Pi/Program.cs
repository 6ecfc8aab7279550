// Pi: computes pi as the integral of 4 / (1 + x^2) over [0, 1] with the midpoint rule. Each
// process sums every Size-th interval and Reduce adds the partial sums at rank 0.
//
//   dotnet mpirun -np 4 examples/MpiNet/Pi [intervals]
using System;
using MPI;

class Pi
{
    static void Main(string[] args)
    {
        MPI.Environment.Run(ref args, comm =>
        {
            int intervals = args.Length > 0 ? int.Parse(args[0]) : 10_000_000;
            double start = MPI.Environment.Time;
            double width = 1.0 / intervals;
            double sum = 0.0;
            for (int i = comm.Rank; i < intervals; i += comm.Size)
            {
                double x = (i + 0.5) * width;
                sum += 4.0 / (1.0 + x * x);
            }
            double pi = comm.Reduce(sum * width, Operation<double>.Add, 0);
            if (comm.Rank == 0)
            {
                Console.WriteLine("pi is approximately " + pi.ToString("F12") + ", error " + Math.Abs(pi - Math.PI).ToString("E2")
                    + " (" + intervals + " intervals, " + comm.Size + " processes, " + (MPI.Environment.Time - start).ToString("F3") + " s)");
            }
        });
    }
}
