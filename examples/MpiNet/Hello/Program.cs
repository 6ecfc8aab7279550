// Hello: the first MPI.NET program, unchanged. Each process reports its rank and host.
//
//   dotnet mpirun -np 4 examples/MpiNet/Hello
using System;
using MPI;

class Hello
{
    static void Main(string[] args)
    {
        using (new MPI.Environment(ref args))
        {
            Intracommunicator world = Communicator.world;
            Console.WriteLine("Hello, World! from rank " + world.Rank + " of " + world.Size
                + " running on " + MPI.Environment.ProcessorName);
        }
    }
}
