using Hpc.Collectives.Barrier;

namespace Hpc;

public sealed partial class Communicator
{
    /// <summary>Blocks until every rank of the communicator has called Barrier (MPI_Barrier).</summary>
    public void Barrier()
    {
        CheckUsable();
        DisseminationBarrier.Run(Collective);
    }
}
