namespace Hpc.Launcher;

/// <summary>How ranks are laid over the hosts (<c>--map-by</c>), named as in Open MPI.</summary>
internal enum MapBy
{
    /// <summary>Fill every slot of a host before moving to the next (consecutive ranks share a host).</summary>
    Slot,
    /// <summary>One rank per host in turn, round-robin (consecutive ranks on different hosts).</summary>
    Node,
}
