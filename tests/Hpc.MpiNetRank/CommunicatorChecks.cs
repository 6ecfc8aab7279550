using System;
using System.Linq;
using MPI;

namespace MpiNetRank;

internal static class CommunicatorChecks
{
    public static void Run(Intracommunicator world)
    {
        int rank = world.Rank, size = world.Size;

        // Split by parity, and with keys that reverse the order.
        Intracommunicator parity = (Intracommunicator)world.Split(rank % 2, rank);
        Check.Equal((size + 1 - rank % 2) / 2, parity.Size, "Split size");
        Check.Equal(rank / 2, parity.Rank, "Split rank");
        int expected = Enumerable.Range(0, size).Where(r => r % 2 == rank % 2).Sum();
        Check.Equal(expected, parity.Allreduce(rank, Operation<int>.Add), "Allreduce within a Split communicator");
        Communicator reversed = world.Split(0, -rank);
        Check.Equal(size - 1 - rank, reversed.Rank, "Split keys order the ranks");
        Check.Equal(size == 1 ? Comparison.Congruent : Comparison.Similar, world.Compare(reversed), "Compare(reversed) ");

        // Clone: same processes, its own message space.
        var clone = (Intracommunicator)world.Clone();
        Check.Equal(Comparison.Identical, world.Compare(world), "Compare(self)");
        Check.Equal(Comparison.Congruent, world.Compare(clone), "Compare(clone)");
        int next = (rank + 1) % size, prev = (rank + size - 1) % size;
        Request onClone = clone.ImmediateSend(1, next, 5);
        Request onWorld = world.ImmediateSend(2, next, 5);
        Check.Equal(2, world.Receive<int>(prev, 5), "a message on world is not taken by the clone's traffic");
        Check.Equal(1, clone.Receive<int>(prev, 5), "the clone's message arrives on the clone");
        onClone.Wait();
        onWorld.Wait();

        // Groups.
        Group all = world.Group;
        Check.Equal(size, all.Size, "Group.Size");
        Check.Equal(rank, all.Rank, "Group.Rank");
        int[] evenRanks = Enumerable.Range(0, size).Where(r => r % 2 == 0).ToArray();
        Group evens = all.IncludeOnly(evenRanks);
        Group odds = all.Exclude(evenRanks);
        Check.Equal(evenRanks.Length, evens.Size, "IncludeOnly size");
        Check.Equal(size - evenRanks.Length, odds.Size, "Exclude size");
        Check.Equal(rank % 2 == 0 ? rank / 2 : Group.NoProcess, evens.Rank, "rank in IncludeOnly group");
        Check.Equal((evens | odds).Size, size, "union size");
        Check.Equal(size > 1 ? Comparison.Similar : Comparison.Identical, (evens | odds).Compare(odds | evens), "union keeps each operand's order");
        Group union = evens | odds;
        Check.Sequence(evenRanks.Concat(Enumerable.Range(0, size).Where(r => r % 2 == 1)),
            union.TranslateRanks(Enumerable.Range(0, size).ToArray(), all), "union: the first group, then the second");
        Check.Equal(0, (evens & odds).Size, "intersection of disjoint groups");
        Check.True(ReferenceEquals(Group.empty, evens & odds), "an empty result is Group.empty");
        Check.Equal(Comparison.Identical, (all - evens).Compare(odds), "difference");
        Check.Equal(Comparison.Identical, Group.Intersection(all, evens).Compare(evens), "Group.Intersection");
        Check.Equal(size > 1 ? Comparison.Similar : Comparison.Identical, (odds | evens).Compare(all), "Compare of a reordered group");
        int[] translated = evens.TranslateRanks(Enumerable.Range(0, evens.Size).ToArray(), all);
        Check.Sequence(evenRanks, translated, "TranslateRanks evens to world");
        int[] back = all.TranslateRanks(Enumerable.Range(0, size).ToArray(), evens);
        Check.Sequence(Enumerable.Range(0, size).Select(r => r % 2 == 0 ? r / 2 : Group.NoProcess), back, "TranslateRanks world to evens");
        Check.Equal(1, Communicator.self.Group.Size, "self group");

        // Create from a group: members get a communicator in the group's order, others null.
        Intracommunicator evenComm = (Intracommunicator)world.Create(evens);
        if (rank % 2 == 0)
        {
            Check.True(evenComm is not null, "Create gives members a communicator");
            Check.Equal(evens.Size, evenComm.Size, "Create size");
            Check.Equal(rank / 2, evenComm.Rank, "Create rank");
            Check.Equal(evenRanks.Sum(), evenComm.Allreduce(rank, Operation<int>.Add), "Allreduce on a created communicator");
            evenComm.Dispose();
        }
        else
        {
            Check.True(evenComm is null, "Create gives non-members null");
        }
        Communicator backwards = world.Create(all.IncludeOnly(Enumerable.Range(0, size).Reverse().ToArray()));
        Check.Equal(size - 1 - rank, backwards.Rank, "Create follows the group's order");
        Check.Equal(Comparison.Unequal, size > 1 ? parity.Compare(world) : Comparison.Unequal, "Compare of different process sets");

        parity.Dispose();
        reversed.Dispose();
        clone.Dispose();
        backwards.Dispose();
        world.Barrier();
    }
}
