// Ring: the "hello world" of message passing. A token travels once around all ranks; each
// rank adds its rank + 1 before passing it on, so rank 0 receives N(N+1)/2 back. It shows
// blocking Send/Receive, and why rank 0 must send first: if every rank waited to receive,
// nobody would ever send.
//
//   dotnet mpirun -np 8 examples/Ring
using Hpc;

using MpiSession mpi = Mpi.Init();
Communicator world = mpi.World;
int next = (world.Rank + 1) % world.Size;
int previous = (world.Rank - 1 + world.Size) % world.Size;
const int TokenTag = 0;

if (world.Rank == 0)
{
    world.Send(1L, next, TokenTag);
    long token = world.Receive<long>(previous, TokenTag);
    long expected = (long)world.Size * (world.Size + 1) / 2;
    Console.WriteLine($"ring: {world.Size} ranks, token = {token}");
    if (token != expected)
    {
        Console.Error.WriteLine($"ring: expected token {expected}, got {token}");
        return 1;
    }
}
else
{
    long token = world.Receive<long>(previous, TokenTag);
    world.Send(token + world.Rank + 1, next, TokenTag);
}
return 0;
