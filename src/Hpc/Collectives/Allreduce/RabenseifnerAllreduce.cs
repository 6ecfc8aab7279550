using System.Numerics;
using Hpc.Reduction;

namespace Hpc.Collectives.Allreduce;

/// <summary>
/// Rabenseifner's allreduce (MPICH's medium/large-message algorithm): a reduce-scatter by
/// recursive halving — in round k partners differing in bit k swap halves of the part they are
/// still responsible for, each keeping and reducing one half — then an allgather by recursive
/// doubling that retraces the rounds backwards. 2 log2 n rounds and about 2× the vector sent
/// per rank: bandwidth-optimal with far fewer steps than the ring.
/// </summary>
/// <remarks>
/// Rounds go from bit 0 upwards, so a rank's partial always covers an aligned, contiguous range
/// of ranks, and the lower partner's data is the left operand: rank order is kept and
/// non-commutative operations work. Each block is reduced once, by the rank that ends up owning
/// it, then copied: all ranks get identical bits. Non-powers of two fold first (see
/// <see cref="PowerOfTwoFold"/>). Any count works, including fewer elements than ranks (blocks may be empty).
/// </remarks>
internal sealed class RabenseifnerAllreduce : IPowerOfTwoAlgorithm
{
    /// <inheritdoc />
    public static void RunFolded<T>(CollectiveContext context, int tag, Span<T> data, Span<T> incoming, ReduceKernel<T> kernel, FoldedRanks ranks)
        where T : unmanaged
    {
        (int virtualRank, int powerOfTwo, _) = ranks;
        int count = data.Length;
        int rounds = BitOperations.Log2((uint)powerOfTwo);
        Span<(int Low, int High)> ranges = stackalloc (int, int)[Math.Max(rounds, 1)];
        int low = 0;
        int high = powerOfTwo;

        // Reduce-scatter by recursive halving over powerOfTwo blocks.
        for (int round = 0, mask = 1; mask < powerOfTwo; round++, mask <<= 1)
        {
            int partner = ranks.RealRank(virtualRank ^ mask);
            int middle = low + (high - low) / 2;
            bool lower = (virtualRank & mask) == 0;
            (int keepLow, int keepHigh) = lower ? (low, middle) : (middle, high);
            (int giveLow, int giveHigh) = lower ? (middle, high) : (low, middle);
            Span<T> keep = Range(data, count, powerOfTwo, keepLow, keepHigh);
            Span<T> received = incoming[..keep.Length];
            context.SendReceive(partner, Range(data, count, powerOfTwo, giveLow, giveHigh), partner, received, tag);
            if (lower)
                kernel.CombineHigher(keep, received);
            else
                kernel.CombineLower(received, keep);
            ranges[round] = (low, high);
            (low, high) = (keepLow, keepHigh);
        }

        // Allgather by recursive doubling, undoing the halving rounds in reverse.
        for (int round = rounds - 1, mask = powerOfTwo >> 1; mask > 0; round--, mask >>= 1)
        {
            int partner = ranks.RealRank(virtualRank ^ mask);
            (int outerLow, int outerHigh) = ranges[round];
            (int otherLow, int otherHigh) = low == outerLow ? (high, outerHigh) : (outerLow, low);
            context.SendReceive(partner, Range(data, count, powerOfTwo, low, high), partner, Range(data, count, powerOfTwo, otherLow, otherHigh), tag);
            (low, high) = (outerLow, outerHigh);
        }
    }

    private static Span<T> Range<T>(Span<T> data, int count, int blocks, int first, int end) =>
        data[Blocks.Offset(count, blocks, first)..Blocks.Offset(count, blocks, end)];
}
