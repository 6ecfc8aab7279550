// PingPong: rank 0 pings every other process with a string and each answers with the name of
// its host, MPI.NET style (strings travel serialized).
//
//   dotnet mpirun -np 4 examples/MpiNet/PingPong
using System;
using MPI;

class PingPong
{
    static void Main(string[] args)
    {
        using (new MPI.Environment(ref args))
        {
            Intracommunicator comm = Communicator.world;
            if (comm.Rank == 0)
            {
                Console.WriteLine("Rank 0 is alive and running on " + MPI.Environment.ProcessorName);
                for (int dest = 1; dest < comm.Size; ++dest)
                {
                    Console.Write("Pinging process with rank " + dest + "...");
                    comm.Send("Ping!", dest, 0);
                    string reply = comm.Receive<string>(dest, 1);
                    Console.WriteLine(" " + reply);
                }
            }
            else
            {
                string ping = comm.Receive<string>(0, 0);
                comm.Send("Pong from rank " + comm.Rank + " on " + MPI.Environment.ProcessorName + " (got " + ping + ")", 0, 1);
            }
        }
    }
}
