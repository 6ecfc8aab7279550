using Hpc.Collectives;
using Hpc.Collectives.SharedMemory;

namespace Hpc;

// When every rank of the world shares one host, blocking Barrier, Broadcast and Allreduce on the
// world run on shared buffers directly (Collectives/SharedMemory). Non-blocking collectives
// never do: the shared area advances one step at a time, and two collectives running at once
// on background threads could interleave their steps differently on different ranks.
public sealed partial class Communicator
{
    private SharedCollectiveArea? SharedArea => Context == RankRuntime.WorldContext ? Runtime.WorldSharedArea : null;

    private AllreduceAlgorithm ChooseAllreduce(long bytes, bool commutative, AllreduceAlgorithm requested, bool blocking)
    {
        if (requested == AllreduceAlgorithm.Auto && blocking && SharedArea is not null && Configuration.Choose(global::Hpc.Collective.Allreduce, Size, bytes) == 0)
            return AllreduceAlgorithm.SharedMemory;
        AllreduceAlgorithm chosen = AlgorithmSelector.Allreduce(Size, bytes, commutative, requested, Configuration);
        return chosen == AllreduceAlgorithm.SharedMemory && (!blocking || SharedArea is null)
            ? AlgorithmSelector.Allreduce(Size, bytes, commutative, AllreduceAlgorithm.Auto, CollectiveConfiguration.BuiltIn)
            : chosen;
    }

    /// <summary>
    /// From this size on, a broadcast between two ranks on one host is one direct send: both
    /// sides then copy half of the message at once (see RendezvousProtocol.SplitCopyBytes), where the
    /// shared buffer costs a copy in and a copy out. Measured on 2 cores, 2026-12-01 (hpc-bench
    /// bcast --algorithm all, np 2): 4 MiB 161 µs against 197, 16 MiB 788 against 1100.
    /// Depends on size and np only, so every rank chooses alike.
    /// </summary>
    private const long DirectBroadcastBytes = 1 << 20;

    private BroadcastAlgorithm ChooseBroadcast(long bytes, BroadcastAlgorithm requested, bool blocking)
    {
        if (requested == BroadcastAlgorithm.Auto && blocking && SharedArea is not null && Configuration.Choose(global::Hpc.Collective.Broadcast, Size, bytes) == 0)
            return Size == 2 && bytes >= DirectBroadcastBytes
                ? BroadcastAlgorithm.Binomial
                : BroadcastAlgorithm.SharedMemory;
        BroadcastAlgorithm chosen = AlgorithmSelector.Broadcast(Size, bytes, requested, Configuration);
        return chosen == BroadcastAlgorithm.SharedMemory && (!blocking || SharedArea is null)
            ? AlgorithmSelector.Broadcast(Size, bytes, BroadcastAlgorithm.Auto, CollectiveConfiguration.BuiltIn)
            : chosen;
    }

    private bool UseSharedMemoryBarrier()
    {
        if (SharedArea is null)
            return false;
        BarrierAlgorithm chosen = AlgorithmSelector.Barrier(Size, BarrierAlgorithm.Auto, Configuration);
        return chosen == BarrierAlgorithm.SharedMemory || Configuration.Choose(global::Hpc.Collective.Barrier, Size, 0) == 0;
    }
}
