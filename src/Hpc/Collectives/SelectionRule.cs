using System.Numerics;

namespace Hpc.Collectives;

/// <summary>Conditions a <see cref="SelectionRule"/> can require besides its size and rank ranges.</summary>
[Flags]
internal enum SelectionCondition
{
    /// <summary>No further condition.</summary>
    None = 0,
    /// <summary>The communicator has a shared collective area and the call may use it (a blocking call).</summary>
    SharedArea = 1,
    /// <summary>The reduction operation is not commutative.</summary>
    NonCommutative = 2,
    /// <summary>The communicator's size is a power of two.</summary>
    PowerOfTwoRanks = 4,
    /// <summary>
    /// The call may run node-aware: the communicator spans several hosts with more than one
    /// rank on some host, the call is blocking, and a non-commutative reduction has hosts holding
    /// unbroken rank ranges (<see cref="CollectiveTopology.CanRunHierarchical"/>).
    /// </summary>
    NodeAware = 8,
}

/// <summary>
/// One row of the built-in selection table (<see cref="SelectionTable"/>): a call of
/// <see cref="Collective"/> whose bytes lie in [<see cref="MinBytes"/>, <see cref="MaxBytes"/>],
/// whose size lies in [<see cref="MinRanks"/>, <see cref="MaxRanks"/>] and which meets
/// <see cref="When"/> runs <see cref="Algorithm"/> (a value of the collective's algorithm enum).
/// </summary>
internal readonly record struct SelectionRule(
    Collective Collective,
    int Algorithm,
    long MinBytes = 0,
    long MaxBytes = long.MaxValue,
    int MinRanks = 1,
    int MaxRanks = int.MaxValue,
    SelectionCondition When = SelectionCondition.None)
{
    /// <summary>Whether this row has no condition: no size or rank bounds, nothing in <see cref="When"/>.</summary>
    public bool MatchesEveryCall =>
        MinBytes == 0 && MaxBytes == long.MaxValue && MinRanks == 1 && MaxRanks == int.MaxValue && When == SelectionCondition.None;

    /// <summary>Whether this row applies to <paramref name="input"/> (its collective is not compared: the table is indexed by collective).</summary>
    public bool Matches(in SelectionInput input)
    {
        CollectiveTopology topology = input.Topology;
        if (input.Bytes < MinBytes || input.Bytes > MaxBytes || topology.Ranks < MinRanks || topology.Ranks > MaxRanks)
            return false;
        if (When == SelectionCondition.None)
            return true;
        return ((When & SelectionCondition.SharedArea) == 0 || topology.HasSharedArea)
            && ((When & SelectionCondition.NonCommutative) == 0 || !input.Commutative)
            && ((When & SelectionCondition.PowerOfTwoRanks) == 0 || BitOperations.IsPow2(topology.Ranks))
            && ((When & SelectionCondition.NodeAware) == 0 || (topology.SpansHostsWithSharing && topology.CanRunHierarchical(input.Commutative)));
    }
}
