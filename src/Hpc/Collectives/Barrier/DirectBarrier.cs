namespace Hpc.Collectives.Barrier;

/// <summary>
/// Direct barrier: every rank tells every other rank it has arrived, then waits to hear from all
/// of them. One round, where dissemination takes ⌈log2 n⌉, at the price of n − 1 messages per
/// rank: for a few ranks whose every round is expensive, such as the leaders of three hosts
/// (dissemination: two rounds, each a network hop and a wake-up).
/// </summary>
internal static unsafe class DirectBarrier
{
    public static void Run(CollectiveContext context, int tag)
    {
        // Empty messages: every slot is the same byte, never written.
        byte nothing = 0;
        context.ExchangeWithAll(&nothing, &nothing, 0, tag);
    }
}
