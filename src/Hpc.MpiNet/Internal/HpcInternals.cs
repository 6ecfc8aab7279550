namespace MPI.Internal;

/// <summary>
/// The few Hpc internals the layer uses (Hpc.csproj grants InternalsVisibleTo Hpc.MpiNet):
/// withdrawing an unmatched receive (Request.Cancel) and a communicator's world ranks (Group).
/// </summary>
internal static class HpcInternals
{
    /// <summary>Withdraws <paramref name="request"/> if it is a receive that has not matched a message yet.</summary>
    public static bool TryCancelReceive(HpcComm comm, Hpc.Request request)
    {
        if (request is not Hpc.Messaging.ReceiveRequest receive || receive.IsCompleted)
            return false;
        if (!comm.Runtime.Engine.TryCancel(receive))
            return false;
        receive.Cancel(CancellationToken.None);
        return true;
    }

    /// <summary>World rank of every member of <paramref name="comm"/>, by rank.</summary>
    public static int[] WorldRanks(HpcComm comm) => comm.WorldRanks.ToArray();

    /// <summary>World rank of the calling process.</summary>
    public static int SelfWorldRank(HpcComm comm) => comm.WorldRankOf(comm.Rank);
}
