using System;
using MPI;

namespace MpiNetRank;

/// <summary>
/// MPI.NET's environment lifetime (its EnvironmentDisposalThrowsTest): inside an outer environment,
/// an Environment.Run with cleanup finalizes MPI; every later environment then throws
/// ObjectDisposedException, and disposing the outer one does nothing.
/// </summary>
internal static class DisposalChecks
{
    public static int Run(string[] args)
    {
        int rank = -1, size = 0;
        using (new MPI.Environment(ref args))
        {
            MPI.Environment.Run(ref args, comm =>
            {
                rank = comm.Rank;
                size = comm.Size;
                comm.Barrier();
            }, true);
            Check.True(MPI.Environment.Finalized, "the first Dispose (Run's cleanup) finalizes, even inside another environment");
            Check.Throws<ObjectDisposedException>(() => MPI.Environment.Run(ref args, comm => { }, true), "Run after finalization");
            Check.Throws<InvalidOperationException>(() => new MPI.Environment(ref args), "new Environment after finalization (MPI.NET's test catches InvalidOperationException)");
        }
        if (rank == 0)
            Console.WriteLine($"mpinet disposal ok: {size} ranks");
        return 0;
    }
}
