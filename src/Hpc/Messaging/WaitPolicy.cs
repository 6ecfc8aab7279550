namespace Hpc.Messaging;

/// <summary>
/// How a blocked call waits: spin briefly (a reply often arrives within microseconds), then
/// give the core away. When the host runs more ranks than it has cores, spinning only steals
/// time from the rank we wait for, so the spin budget shrinks to almost nothing.
/// </summary>
internal static class WaitPolicy
{
    private static int s_spinIterations = 2000;

    /// <summary>Adapts the spin budget to how many ranks share this host's cores.</summary>
    public static void Configure(int ranksOnHost)
    {
        s_spinIterations = ranksOnHost > Environment.ProcessorCount ? 20 : 2000;
    }

    /// <summary>Spins until <paramref name="condition"/> holds or the budget is spent.</summary>
    public static void SpinUntil(Func<bool> condition)
    {
        int budget = s_spinIterations;
        for (int i = 0; i < budget; i++)
        {
            if (condition())
                return;
            Thread.SpinWait(20);
        }
    }
}
