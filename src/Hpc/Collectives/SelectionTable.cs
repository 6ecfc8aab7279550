using static Hpc.Collectives.SelectionCondition;

namespace Hpc.Collectives;

/// <summary>
/// The built-in algorithm table: for each collective, rows tried in order, the first that
/// matches deciding; the last row of each collective matches every call. Adding an algorithm
/// means its file, one enum value and a row here. Thresholds and where they come from:
/// </summary>
/// <remarks>
/// <para>
/// Node-aware first: every collective with a hierarchical algorithm (allreduce, bcast, reduce,
/// allgather, barrier) picks it when the communicator spans more than one host and some host
/// holds more than one of its ranks, for blocking calls, and — for a non-commutative reduction —
/// only when every host holds an unbroken range of ranks (otherwise the host-then-leaders order
/// would not be rank order; the flat rows below decide instead). One rank per host, or one host,
/// and the flat or shared-memory rows decide. The hierarchical algorithms
/// (Collectives/Hierarchical) run within each host on the host's shared area where it has one
/// (the world of a multi-host job), else on the flat algorithms these rows pick for the host
/// part; among the hosts' leaders on the algorithm these rows pick for the leaders' number and
/// the size (recursive doubling, Rabenseifner, ring); and pipeline the two in 512 KiB segments
/// for larger messages (Open MPI coll/han, MPICH's node-aware collectives). <c>--coll
/// allreduce=hierarchical</c> forces it wherever it can run; <c>--coll allreduce=ring</c> (any
/// flat algorithm) forces flat.
/// </para>
/// <list type="table">
/// <item><term>allreduce</term><description>
/// shared area → shared_memory; three ranks and bytes ≤ 4 KiB → direct (see
/// <see cref="AllreduceThreeRanksDirectBytes"/>); bytes ≤ 2 KiB → recursive_doubling (MPICH
/// MPIR_CVAR_ALLREDUCE_SHORT_MSG_SIZE = 2048); non-commutative above that → rabenseifner (MPICH
/// uses recursive doubling because its reduce-scatter is unordered; ours combines in rank order,
/// so the bandwidth-optimal choice stays valid); three ranks and bytes ≥ 64 KiB → ring (see
/// <see cref="AllreduceThreeRanksRingBytes"/>); bytes ≥ 512 KiB → ring (Open MPI tuned picks
/// ring for large commutative vectors; 512 KiB is MPICH's long-message threshold, Thakur,
/// Rabenseifner and Gropp 2005, above which the 2(n−1) step latency of the ring is negligible
/// and its segment pipelining pays); otherwise → rabenseifner (MPICH's medium-size choice).</description></item>
/// <item><term>bcast</term><description>
/// node-aware: up to 64 ranks and bytes ≥ 64 KiB → chain through the hosts (see
/// <see cref="ChainAcrossHostsBytes"/>), else hierarchical; shared area: two ranks and ≥ 1 MiB → binomial (see <see cref="DirectBroadcastBytes"/>), else
/// shared_memory; without: bytes &lt; 12 KiB → binomial; 3-7 ranks and bytes ≥ 256 KiB → chain (see
/// <see cref="ChainBroadcastBytes"/>); fewer than 8 ranks → binomial, else
/// scatter_allgather (MPICH MPIR_CVAR_BCAST_SHORT_MSG_SIZE = 12288, MPIR_CVAR_BCAST_MIN_PROCS = 8).</description></item>
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
/// <item><term>barrier</term><description>shared area → shared_memory; three ranks (three hosts' leaders) → direct (one
/// round instead of two); else dissemination (any n in ⌈log2 n⌉ rounds).</description></item>
/// </list>
/// </remarks>
internal static class SelectionTable
{
    public const long AllreduceShortBytes = 2048;
    public const long AllreduceLongBytes = 512 * 1024;

    /// <summary>
    /// Three ranks (the leaders of three hosts, most often) take the ring from this size: its
    /// four steps are as many as Rabenseifner's with three (fold, exchange, exchange, unfold),
    /// but each moves a third of the vector where the fold and unfold move all of it. Below it
    /// the ring's non-blocking segment pipeline costs more than the bytes it saves. Measured
    /// 2026-12-07, 3 namespace hosts x 2 ranks on 2 cores, 1 Gbit/s links
    /// (<c>MINBYTES=16384 SKIP_OMPI=1 bench/multihost.sh --hosts 3 --runs 3 allreduce 65536</c>,
    /// alternating): 64 KiB by ring 871, 1621, 807, 799, 797, 801 µs, by Rabenseifner 1122, 1101,
    /// 1145, 1216, 1101, 1139 µs (Open MPI 821-833 that hour); with the ring from 4 KiB, 16 KiB
    /// took 533 µs against 368 and 4 KiB 462 against 334.
    /// </summary>
    public const long AllreduceThreeRanksRingBytes = 64 * 1024;

    /// <summary>
    /// Three ranks exchange their whole vectors directly up to this size: one round, where
    /// recursive doubling takes three (fold, exchange, unfold) and Rabenseifner four, and each
    /// round between hosts is a network hop and a wake-up. Measured 2026-12-07 (3 namespace
    /// hosts x 2 ranks on 2 cores, <c>bench/multihost.sh --hosts 3 --runs 5 allreduce 65536</c>):
    /// 4 KiB 202 µs median against 268-334 µs by recursive doubling and Rabenseifner in three
    /// runs before; 16 KiB showed no gain (376 µs against 368-448, with multi-millisecond
    /// outliers either way), so the row stops at 4 KiB, where sending the vector twice costs
    /// least on a link.
    /// </summary>
    public const long AllreduceThreeRanksDirectBytes = 4 * 1024;
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

    /// <summary>
    /// From this size on, a broadcast between two ranks on one host is one direct send: both
    /// sides then copy half of the message at once (the split copy of the large-message
    /// protocol), where the shared buffer costs a copy in and a copy out. Measured on 2 cores,
    /// 2026-12-01 (hpc-bench bcast --algorithm all, np 2): 4 MiB 161 µs against 197, 16 MiB 788
    /// against 1100.
    /// </summary>
    public const long DirectBroadcastBytes = 1 << 20;

    /// <summary>
    /// From this size on, a broadcast among 3-7 ranks without a shared area (hosts' leaders, or
    /// ranks over TCP) runs as a pipelined chain: every rank then sends the message once, where
    /// the binomial tree's root sends it to each child (two or three times over its link).
    /// </summary>
    public const long ChainBroadcastBytes = 256 * 1024;

    /// <summary>
    /// From this size on, a blocking broadcast across hosts with several ranks on a host runs as
    /// one chain through the hosts (<see cref="ChainBroadcastBytes"/>'s algorithm, host by host)
    /// rather than node-aware: each host's link carries the message once, and back-to-back
    /// broadcasts overlap along the chain. Measured 2026-12-07, 3 hosts x 2 ranks, 1 Gbit/s links
    /// on 2 cores (<c>bench/multihost.sh --hosts 3 --algorithm all bcast</c>), µs, chain against
    /// hierarchical: 16 KiB 91-109 / 199-230, 64 KiB 488-552 / 1,025-1,054, 1 MiB 9,467 /
    /// 11,850, 4 MiB 37,177 / 66,579 (Open MPI 35,583). Below 64 KiB the chain's n − 1 hops in
    /// a row would cost a single broadcast more than the two-level tree's few.
    /// </summary>
    public const long ChainAcrossHostsBytes = 64 * 1024;

    /// <summary>
    /// Above this many ranks the node-aware broadcast stays: a segment's hops through many ranks
    /// on one host would add up to more than the network crossings they save.
    /// </summary>
    public const int ChainAcrossHostsMaxRanks = 64;

    public static readonly SelectionRule[] Rules =
    [
        new(Collective.Allreduce, (int)AllreduceAlgorithm.Hierarchical, When: NodeAware),
        new(Collective.Allreduce, (int)AllreduceAlgorithm.SharedMemory, When: SharedArea),
        new(Collective.Allreduce, (int)AllreduceAlgorithm.Direct, MaxBytes: AllreduceThreeRanksDirectBytes, MinRanks: 3, MaxRanks: 3),
        new(Collective.Allreduce, (int)AllreduceAlgorithm.RecursiveDoubling, MaxBytes: AllreduceShortBytes),
        new(Collective.Allreduce, (int)AllreduceAlgorithm.Rabenseifner, When: NonCommutative),
        new(Collective.Allreduce, (int)AllreduceAlgorithm.Ring, MinBytes: AllreduceThreeRanksRingBytes, MinRanks: 3, MaxRanks: 3),
        new(Collective.Allreduce, (int)AllreduceAlgorithm.Ring, MinBytes: AllreduceLongBytes),
        new(Collective.Allreduce, (int)AllreduceAlgorithm.Rabenseifner),

        new(Collective.Broadcast, (int)BroadcastAlgorithm.Chain, MinBytes: ChainAcrossHostsBytes, MaxRanks: ChainAcrossHostsMaxRanks, When: NodeAware),
        new(Collective.Broadcast, (int)BroadcastAlgorithm.Hierarchical, When: NodeAware),
        new(Collective.Broadcast, (int)BroadcastAlgorithm.Binomial, MinBytes: DirectBroadcastBytes, MinRanks: 2, MaxRanks: 2, When: SharedArea),
        new(Collective.Broadcast, (int)BroadcastAlgorithm.SharedMemory, When: SharedArea),
        new(Collective.Broadcast, (int)BroadcastAlgorithm.Binomial, MaxBytes: BroadcastShortBytes - 1),
        new(Collective.Broadcast, (int)BroadcastAlgorithm.Chain, MinBytes: ChainBroadcastBytes, MinRanks: 3, MaxRanks: BroadcastMinRanks - 1),
        new(Collective.Broadcast, (int)BroadcastAlgorithm.Binomial, MaxRanks: BroadcastMinRanks - 1),
        new(Collective.Broadcast, (int)BroadcastAlgorithm.ScatterAllgather),

        new(Collective.Reduce, (int)ReduceAlgorithm.Hierarchical, When: NodeAware),
        new(Collective.Reduce, (int)ReduceAlgorithm.Binomial),

        new(Collective.Gather, (int)GatherAlgorithm.Linear, MinBytes: GatherIntermediateBlockBytes + 1),
        new(Collective.Gather, (int)GatherAlgorithm.Binomial, MinRanks: 61),
        new(Collective.Gather, (int)GatherAlgorithm.Binomial, MaxBytes: GatherSmallBlockBytes - 1, MinRanks: 11),
        new(Collective.Gather, (int)GatherAlgorithm.Linear),

        new(Collective.Scatter, (int)ScatterAlgorithm.Binomial, MaxBytes: ScatterSmallBlockBytes - 1, MinRanks: 11),
        new(Collective.Scatter, (int)ScatterAlgorithm.Linear),

        new(Collective.Allgather, (int)AllgatherAlgorithm.Hierarchical, When: NodeAware),
        new(Collective.Allgather, (int)AllgatherAlgorithm.Bruck, MaxBytes: AllgatherShortBytes - 1),
        new(Collective.Allgather, (int)AllgatherAlgorithm.Bruck, MaxBytes: AllgatherLongBytes - 1, When: PowerOfTwoRanks),
        new(Collective.Allgather, (int)AllgatherAlgorithm.Ring),

        new(Collective.Alltoall, (int)AlltoallAlgorithm.Bruck, MaxBytes: AlltoallShortBlockBytes, MinRanks: AlltoallMinRanks),
        new(Collective.Alltoall, (int)AlltoallAlgorithm.Pairwise),

        new(Collective.ReduceScatter, (int)ReduceScatterAlgorithm.ReduceThenScatter, When: NonCommutative),
        new(Collective.ReduceScatter, (int)ReduceScatterAlgorithm.ReduceThenScatter, MaxBytes: ReduceScatterShortBytes),
        new(Collective.ReduceScatter, (int)ReduceScatterAlgorithm.Ring),

        new(Collective.Barrier, (int)BarrierAlgorithm.Hierarchical, When: NodeAware),
        new(Collective.Barrier, (int)BarrierAlgorithm.SharedMemory, When: SharedArea),
        new(Collective.Barrier, (int)BarrierAlgorithm.Direct, MinRanks: 3, MaxRanks: 3),
        new(Collective.Barrier, (int)BarrierAlgorithm.Dissemination),
    ];
}
