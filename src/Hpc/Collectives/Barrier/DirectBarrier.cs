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
        int size = context.Size;
        int rank = context.Rank;
        var arrivals = new Request?[size];
        bool finished = false;
        byte nothing = 0;
        try
        {
            for (int source = 0; source < size; source++)
            {
                if (source != rank)
                    arrivals[source] = context.StartReceive(source, tag, &nothing, 0);
            }
            // Empty messages travel eagerly: each send is complete when it returns.
            for (int step = 1; step < size; step++)
            {
                Request sent = context.StartSend((rank + step) % size, tag, &nothing, 0);
                if (!sent.IsCompleted)
                    sent.Wait();
            }
            for (int source = 0; source < size; source++)
            {
                if (arrivals[source] is { } arrival)
                    context.WaitReceive(arrival, 0, source);
            }
            finished = true;
        }
        finally
        {
            if (!finished)
                context.AbandonReceives(arrivals);
        }
    }
}
