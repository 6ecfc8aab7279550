namespace Hpc.Launcher;

/// <summary>How the ranks mapped to the hosts are numbered (<c>--rank-by</c>), named as in Open MPI.</summary>
internal enum RankBy
{
    /// <summary>A host's ranks are consecutive: host 0 gets ranks 0..k-1, host 1 the next block.</summary>
    Slot,
    /// <summary>Consecutive ranks go to different hosts in turn, skipping hosts whose share is used up.</summary>
    Node,
}
