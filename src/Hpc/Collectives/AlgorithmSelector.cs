using System.Numerics;

namespace Hpc.Collectives;

/// <summary>
/// The one place that maps (collective, ranks, bytes, commutativity) to an algorithm. A call
/// resolves in this order: the algorithm passed to the call, then <c>HPC_COLL</c>, then the
/// tuning file (<c>HPC_TUNE_FILE</c>, see <see cref="TuningTable"/>), then the built-in table
/// below. Every input is the same on all ranks of a call, so all ranks pick the same algorithm.
/// </summary>
/// <remarks>
/// "bytes" is what the thresholds are measured in, per collective (the conventions of Open MPI's
/// coll/tuned): the whole vector for allreduce, bcast, reduce; one rank's block for gather,
/// scatter and alltoall; the whole gathered/reduced vector (all blocks) for allgather and
/// reduce_scatter; 0 for barrier.
/// <para>Built-in table and where each threshold comes from:</para>
/// <list type="table">
/// <item><term>allreduce</term><description>
/// bytes ≤ 2 KiB → recursive_doubling (MPICH MPIR_CVAR_ALLREDUCE_SHORT_MSG_SIZE = 2048);
/// non-commutative above that → rabenseifner (MPICH uses recursive doubling because its
/// reduce-scatter is unordered; ours combines in rank order, so the bandwidth-optimal choice stays valid);
/// bytes ≥ 512 KiB → ring (Open MPI tuned picks ring for large commutative vectors; 512 KiB is
/// MPICH's long-message threshold, Thakur, Rabenseifner and Gropp 2005, above which the 2(n−1)
/// step latency of the ring is negligible and its segment pipelining pays);
/// otherwise → rabenseifner (MPICH's medium-size choice).</description></item>
/// <item><term>bcast</term><description>
/// bytes &lt; 12 KiB or fewer than 8 ranks → binomial, else scatter_allgather
/// (MPICH MPIR_CVAR_BCAST_SHORT_MSG_SIZE = 12288, MPIR_CVAR_BCAST_MIN_PROCS = 8).</description></item>
/// <item><term>reduce</term><description>binomial (the only algorithm).</description></item>
/// <item><term>gather</term><description>
/// block &gt; 6000 B → linear; more than 60 ranks, or more than 10 ranks with blocks &lt; 1 KiB →
/// binomial; else linear (Open MPI coll_tuned_decision_fixed.c: intermediate_block_size 6000,
/// small_block_size 1024, communicator sizes 10 and 60).</description></item>
/// <item><term>scatter</term><description>
/// more than 10 ranks with blocks &lt; 300 B → binomial, else linear (Open MPI
/// coll_tuned_decision_fixed.c: small_block_size 300, small_comm_size 10).</description></item>
/// <item><term>allgather</term><description>
/// total &lt; 80 KiB, or a power-of-two size with total &lt; 512 KiB → bruck, else ring (MPICH,
/// Thakur et al. 2005: 81920 and 524288; MPICH uses recursive doubling for the power-of-two
/// case, where Bruck takes the same log2 n steps).</description></item>
/// <item><term>alltoall</term><description>
/// blocks ≤ 256 B on at least 8 ranks → bruck, else pairwise (MPICH
/// MPIR_CVAR_ALLTOALL_SHORT_MSG_SIZE = 256, MPIR_CVAR_ALLTOALL_MIN_PROCS = 8).</description></item>
/// <item><term>reduce_scatter</term><description>
/// non-commutative, or total ≤ 12 KiB → reduce_then_scatter, else ring (Open MPI
/// coll_tuned_decision_fixed.c: non-commutative → reduce + scatterv, small_message_size 12 KiB).</description></item>
/// <item><term>barrier</term><description>dissemination (the only algorithm; any n in ⌈log2 n⌉ rounds).</description></item>
/// </list>
/// </remarks>
internal static class AlgorithmSelector
{
    public const long AllreduceShortBytes = 2048;
    public const long AllreduceLongBytes = 512 * 1024;
    public const long BroadcastShortBytes = 12288;
    public const int BroadcastMinRanks = 8;
    public const long GatherIntermediateBlockBytes = 6000;
    public const long GatherSmallBlockBytes = 1024;
    public const long ScatterSmallBlockBytes = 300;
    public const long AllgatherShortBytes = 81920;
    public const long AllgatherLongBytes = 524288;
    public const long AlltoallShortBlockBytes = 256;
    public const int AlltoallMinRanks = 8;
    public const long ReduceScatterShortBytes = 12 * 1024;

    public static AllreduceAlgorithm Allreduce(int ranks, long bytes, bool commutative, AllreduceAlgorithm requested, CollectiveConfiguration configuration)
    {
        if (requested != AllreduceAlgorithm.Auto)
            return requested;
        int configured = configuration.Choose(Collective.Allreduce, ranks, bytes);
        if (configured != 0)
            return (AllreduceAlgorithm)configured;
        if (bytes <= AllreduceShortBytes)
            return AllreduceAlgorithm.RecursiveDoubling;
        if (!commutative)
            return AllreduceAlgorithm.Rabenseifner;
        return bytes >= AllreduceLongBytes ? AllreduceAlgorithm.Ring : AllreduceAlgorithm.Rabenseifner;
    }

    public static BroadcastAlgorithm Broadcast(int ranks, long bytes, BroadcastAlgorithm requested, CollectiveConfiguration configuration)
    {
        if (requested != BroadcastAlgorithm.Auto)
            return requested;
        int configured = configuration.Choose(Collective.Broadcast, ranks, bytes);
        if (configured != 0)
            return (BroadcastAlgorithm)configured;
        return bytes < BroadcastShortBytes || ranks < BroadcastMinRanks ? BroadcastAlgorithm.Binomial : BroadcastAlgorithm.ScatterAllgather;
    }

    public static ReduceAlgorithm Reduce(int ranks, long bytes, ReduceAlgorithm requested, CollectiveConfiguration configuration)
    {
        if (requested != ReduceAlgorithm.Auto)
            return requested;
        int configured = configuration.Choose(Collective.Reduce, ranks, bytes);
        return configured != 0 ? (ReduceAlgorithm)configured : ReduceAlgorithm.Binomial;
    }

    public static GatherAlgorithm Gather(int ranks, long blockBytes, GatherAlgorithm requested, CollectiveConfiguration configuration)
    {
        if (requested != GatherAlgorithm.Auto)
            return requested;
        int configured = configuration.Choose(Collective.Gather, ranks, blockBytes);
        if (configured != 0)
            return (GatherAlgorithm)configured;
        if (blockBytes > GatherIntermediateBlockBytes)
            return GatherAlgorithm.Linear;
        return ranks > 60 || (ranks > 10 && blockBytes < GatherSmallBlockBytes) ? GatherAlgorithm.Binomial : GatherAlgorithm.Linear;
    }

    public static ScatterAlgorithm Scatter(int ranks, long blockBytes, ScatterAlgorithm requested, CollectiveConfiguration configuration)
    {
        if (requested != ScatterAlgorithm.Auto)
            return requested;
        int configured = configuration.Choose(Collective.Scatter, ranks, blockBytes);
        if (configured != 0)
            return (ScatterAlgorithm)configured;
        return ranks > 10 && blockBytes < ScatterSmallBlockBytes ? ScatterAlgorithm.Binomial : ScatterAlgorithm.Linear;
    }

    public static AllgatherAlgorithm Allgather(int ranks, long totalBytes, AllgatherAlgorithm requested, CollectiveConfiguration configuration)
    {
        if (requested != AllgatherAlgorithm.Auto)
            return requested;
        int configured = configuration.Choose(Collective.Allgather, ranks, totalBytes);
        if (configured != 0)
            return (AllgatherAlgorithm)configured;
        bool powerOfTwo = BitOperations.IsPow2(ranks);
        return totalBytes < AllgatherShortBytes || (powerOfTwo && totalBytes < AllgatherLongBytes)
            ? AllgatherAlgorithm.Bruck
            : AllgatherAlgorithm.Ring;
    }

    public static AlltoallAlgorithm Alltoall(int ranks, long blockBytes, AlltoallAlgorithm requested, CollectiveConfiguration configuration)
    {
        if (requested != AlltoallAlgorithm.Auto)
            return requested;
        int configured = configuration.Choose(Collective.Alltoall, ranks, blockBytes);
        if (configured != 0)
            return (AlltoallAlgorithm)configured;
        return blockBytes <= AlltoallShortBlockBytes && ranks >= AlltoallMinRanks ? AlltoallAlgorithm.Bruck : AlltoallAlgorithm.Pairwise;
    }

    public static ReduceScatterAlgorithm ReduceScatter(int ranks, long totalBytes, bool commutative, ReduceScatterAlgorithm requested, CollectiveConfiguration configuration)
    {
        if (requested != ReduceScatterAlgorithm.Auto)
            return requested;
        int configured = configuration.Choose(Collective.ReduceScatter, ranks, totalBytes);
        if (configured != 0)
            return (ReduceScatterAlgorithm)configured;
        return !commutative || totalBytes <= ReduceScatterShortBytes ? ReduceScatterAlgorithm.ReduceThenScatter : ReduceScatterAlgorithm.Ring;
    }

    public static BarrierAlgorithm Barrier(int ranks, BarrierAlgorithm requested, CollectiveConfiguration configuration)
    {
        if (requested != BarrierAlgorithm.Auto)
            return requested;
        int configured = configuration.Choose(Collective.Barrier, ranks, 0);
        return configured != 0 ? (BarrierAlgorithm)configured : BarrierAlgorithm.Dissemination;
    }

    /// <summary>Name of the algorithm the table would choose for <paramref name="collective"/> (the public query).</summary>
    public static string NameFor(Collective collective, int ranks, long bytes, bool commutative, CollectiveConfiguration configuration)
    {
        int value = collective switch
        {
            Collective.Allreduce => (int)Allreduce(ranks, bytes, commutative, default, configuration),
            Collective.Broadcast => (int)Broadcast(ranks, bytes, default, configuration),
            Collective.Reduce => (int)Reduce(ranks, bytes, default, configuration),
            Collective.Gather => (int)Gather(ranks, bytes, default, configuration),
            Collective.Scatter => (int)Scatter(ranks, bytes, default, configuration),
            Collective.Allgather => (int)Allgather(ranks, bytes, default, configuration),
            Collective.Alltoall => (int)Alltoall(ranks, bytes, default, configuration),
            Collective.ReduceScatter => (int)ReduceScatter(ranks, bytes, commutative, default, configuration),
            Collective.Barrier => (int)Barrier(ranks, default, configuration),
            _ => throw new ArgumentOutOfRangeException(nameof(collective), collective, "unknown collective"),
        };
        return CollectiveCatalog.Of(collective).AlgorithmNames[value];
    }
}
