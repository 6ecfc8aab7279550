using Hpc.Collectives;
using Hpc.Reduction;

namespace Hpc;

// Communicator creation (MPI_Comm_dup, MPI_Comm_split). A new communicator needs a context id
// pair (c for user traffic, c + 1 for its collectives) that none of its members uses yet. Each
// rank proposes RankRuntime.NextContextCandidate (above every context it has used); the
// members agree on the maximum, which is therefore free on all of them, and each reserves it.
// In Split every rank of the parent takes part in one agreement, even though the ranks land in
// different new communicators: they all get the same context id, which is safe because the new
// communicators are disjoint.
//
// Creation is collective over the parent and, like every collective, must be called in the
// same order on all its ranks. Two creations must not run concurrently on one rank from
// different threads: each could propose the same candidate before either reserves it.
public sealed partial class Communicator
{
    /// <summary>The color of a rank that wants no new communicator from <see cref="Split"/> (MPI_UNDEFINED).</summary>
    public const int Undefined = -32766;

    /// <summary>
    /// A new communicator with the same ranks in the same order and its own message space
    /// (MPI_Comm_dup): messages on one never match receives on the other. It keeps the virtual
    /// topology, and each attribute whose key says so is copied (MPI's copy callbacks). Collective.
    /// </summary>
    public Communicator Dup() => Duplicate(copyAttributes: true);

    /// <summary>
    /// <see cref="Dup"/>, optionally without copying attributes: a layer's private shadow
    /// communicator (Hpc.MpiNet) must not run the program's copy callbacks a second time.
    /// </summary>
    internal Communicator Duplicate(bool copyAttributes)
    {
        CheckUsable();
        int context = Allreduce(Runtime.NextContextCandidate, ReduceOp.Max);
        Runtime.ReserveContext(context);
        var dup = new Communicator(Runtime, context, [.. _worldRanks], Rank, $"dup of {Name}");
        dup.VirtualTopology = VirtualTopology;
        if (copyAttributes)
            CopyAttributesInto(dup);
        return dup;
    }

    /// <summary>
    /// Partitions the communicator (MPI_Comm_split): ranks passing the same
    /// <paramref name="color"/> form a new communicator, ordered by <paramref name="key"/> and
    /// then by their rank here. Collective: every rank must call it, and a rank passing
    /// <see cref="Undefined"/> takes part but gets null.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="color"/> is negative and not <see cref="Undefined"/>.</exception>
    public Communicator? Split(int color, int key)
    {
        CheckUsable();
        if (color < 0 && color != Undefined)
            throw new ArgumentOutOfRangeException(nameof(color), color, $"color {color} is negative; use a color >= 0, or Communicator.Undefined to opt out");
        return SplitNamed(color, key, $"split of {Name}");
    }

    /// <summary><see cref="Split"/> with the new communicators' name (topologies name theirs).</summary>
    private Communicator? SplitNamed(int color, int key, string name)
    {
        SplitEntry[] all = Allgather(new SplitEntry(color, key, Runtime.NextContextCandidate));
        int context = 0;
        foreach (SplitEntry entry in all)
            context = Math.Max(context, entry.ContextCandidate);
        Runtime.ReserveContext(context);
        if (color == Undefined)
            return null;

        // Members sorted by (key, old rank); Array.Sort is not stable, so the old rank is part of the key.
        int[] members = [.. Enumerable.Range(0, Size).Where(r => all[r].Color == color).OrderBy(r => all[r].Key).ThenBy(r => r)];
        var worldRanks = new int[members.Length];
        int newRank = -1;
        for (int i = 0; i < members.Length; i++)
        {
            worldRanks[i] = WorldRankOf(members[i]);
            if (members[i] == Rank)
                newRank = i;
        }
        return new Communicator(Runtime, context, worldRanks, newRank, name);
    }

    /// <summary>
    /// Partitions the communicator by host (MPI_Comm_split_type with MPI_COMM_TYPE_SHARED): the
    /// ranks that share this rank's host, ordered by <paramref name="key"/> and then by their
    /// rank here. Collective: every rank must call it.
    /// </summary>
    public Communicator SplitByHost(int key = 0)
    {
        CheckUsable();
        // The first world rank on this host is the same number on every rank of the host, and
        // different on every other host: a color all of them compute without talking.
        int color = Array.IndexOf(Runtime.Hosts, Runtime.Hosts[WorldRankOf(Rank)]);
        return Split(color, key)!;
    }

    /// <summary>
    /// The communicator of one leader per host (the lowest rank here on each host), ordered by
    /// rank; the other ranks get null. With <see cref="SplitByHost"/> it is the two-level
    /// layout that node-aware algorithms use. Collective: every rank must call it.
    /// </summary>
    public Communicator? SplitHostLeaders()
    {
        CheckUsable();
        string host = Runtime.Hosts[WorldRankOf(Rank)];
        bool leader = true;
        for (int r = 0; r < Rank && leader; r++)
            leader = Runtime.Hosts[WorldRankOf(r)] != host;
        return Split(leader ? 0 : Undefined, 0);
    }

    /// <summary>Number of hosts this communicator's ranks run on.</summary>
    public int HostCount => Topology.Hosts;

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct SplitEntry(int Color, int Key, int ContextCandidate);
}
