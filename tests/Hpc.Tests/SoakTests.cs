using Hpc.Testing;
using Xunit;

namespace Hpc.Tests;

/// <summary>100,000 seeded random messages among 6 ranks as threads (see <see cref="SoakWorkload"/>).</summary>
public class SoakTests
{
    [Fact]
    public void HundredThousandRandomMessagesArriveIntactAndInOrder()
    {
        long[] received = InProcessWorld.Run(6, world => SoakWorkload.Run(world, phases: 100, messagesPerPhase: 1000, seed: 7),
            eagerLimit: 1024, timeout: TimeSpan.FromMinutes(3));
        Assert.Equal(100_000, received.Sum());
    }
}
