using System;
using System.Collections.Generic;
using System.Linq;
using MPI;

namespace MpiNetRank;

internal static class NonBlockingChecks
{
    public static void Run(Intracommunicator world)
    {
        int rank = world.Rank, size = world.Size;
        int next = (rank + 1) % size, prev = (rank + size - 1) % size;

        // ImmediateReceive of a value, with an action, into an array; ImmediateSend of values and arrays.
        ReceiveRequest value = world.ImmediateReceive<int>(prev, 1);
        int fromAction = -1;
        ReceiveRequest withAction = world.ImmediateReceive<long>(prev, 2, v => fromAction = (int)v);
        var doubles = new double[10];
        ReceiveRequest array = world.ImmediateReceive(prev, 3, doubles);
        Request s1 = world.ImmediateSend(rank, next, 1);
        Request s2 = world.ImmediateSend((long)rank, next, 2);
        Request s3 = world.ImmediateSend(new[] { rank, 0.25 }, next, 3);
        CompletedStatus status = value.Wait();
        Check.Equal(prev, (int)value.GetValue(), "ImmediateReceive<int> value");
        Check.Equal(prev, status.Source, "ImmediateReceive status.Source");
        withAction.Wait();
        Check.Equal(prev, fromAction, "ImmediateReceive with an action");
        Check.Equal((long)prev, (long)withAction.GetValue(), "GetValue of a long");
        status = array.Wait();
        Check.Equal(2, status.Count(), "ImmediateReceive(array) status.Count()");
        Check.True(ReferenceEquals(doubles, array.GetValue()) && doubles[0] == prev && doubles[1] == 0.25, "ImmediateReceive into the array");
        s1.Wait();
        s2.Wait();
        Check.Equal(2, s3.Wait().Count(), "ImmediateSend(array) status.Count()");
        Check.True(s1.Test() is not null, "Test of a completed request");

        // Serialized values, including a large string, exchanged symmetrically: every rank waits
        // for its send before its receive, which must not deadlock.
        string large = new string('z', 100_000) + rank;
        ReceiveRequest text = world.ImmediateReceive<string>(prev, 4);
        ReceiveRequest bigText = world.ImmediateReceive<string>(prev, 5);
        var strings = new string[3];
        ReceiveRequest stringArray = world.ImmediateReceive(prev, 6, strings);
        world.ImmediateSend($"text {rank}", next, 4).Wait();
        world.ImmediateSend(large, next, 5).Wait();
        world.ImmediateSend(new[] { "x", $"{rank}" }, next, 6).Wait();
        text.Wait();
        Check.Equal($"text {prev}", (string)text.GetValue(), "ImmediateReceive<string>");
        bigText.Wait();
        Check.Equal(new string('z', 100_000) + prev, (string)bigText.GetValue(), "ImmediateReceive of a large string");
        Check.Equal(2, stringArray.Wait().Count(), "ImmediateReceive(string[]) count");
        Check.Sequence(new[] { "x", $"{prev}", null }, strings, "ImmediateReceive into a string[]");

        // RequestList: every rank exchanges with every rank (itself included).
        Exchange(world, 10, list => list.WaitAll().Count, "WaitAll");
        Exchange(world, 11, list =>
        {
            int n = 0;
            while (list.Count > 0)
            {
                list.WaitAny();
                n++;
            }
            return n;
        }, "WaitAny");
        Exchange(world, 12, list =>
        {
            List<Request> done;
            while ((done = list.TestAll()) is null)
                System.Threading.Thread.Yield();
            return done.Count;
        }, "TestAll");
        Exchange(world, 13, list =>
        {
            int n = 0;
            while (list.Count > 0)
            {
                if (list.TestAny() is not null)
                    n++;
            }
            return n;
        }, "TestAny");
        Exchange(world, 14, list =>
        {
            int n = 0;
            while (list.Count > 0)
                n += list.WaitSome().Count;
            return n;
        }, "WaitSome");
        Exchange(world, 15, list =>
        {
            int n = 0;
            while (list.Count > 0)
                n += list.TestSome()?.Count ?? 0;
            return n;
        }, "TestSome");
        Check.Throws<ArgumentException>(() => new RequestList().WaitAny(), "WaitAny on an empty list");

        // Cancel withdraws receives that nothing matched.
        ReceiveRequest never = world.ImmediateReceive<int>(Communicator.anySource, 999);
        ReceiveRequest neverText = world.ImmediateReceive<string>(Communicator.anySource, 998);
        never.Cancel();
        neverText.Cancel();
        Check.True(never.Wait().Cancelled && neverText.Wait().Cancelled, "cancelled receives report Cancelled");
        Check.Equal(0, (int)never.GetValue(), "a cancelled receive has the default value");
        Check.True(neverText.Test() is not null, "Test of a cancelled request");
        world.Barrier();
    }

    /// <summary>Each rank sends its rank (an int and a string) to every rank and completes the requests with <paramref name="complete"/>.</summary>
    private static void Exchange(Intracommunicator world, int tag, Func<RequestList, int> complete, string what)
    {
        var list = new RequestList();
        var values = new ReceiveRequest[world.Size];
        var texts = new ReceiveRequest[world.Size];
        for (int source = 0; source < world.Size; source++)
        {
            values[source] = world.ImmediateReceive<int>(source, tag);
            texts[source] = world.ImmediateReceive<string>(source, tag + 100);
            list.Add(values[source]);
            list.Add(texts[source]);
        }
        for (int dest = 0; dest < world.Size; dest++)
        {
            list.Add(world.ImmediateSend(world.Rank, dest, tag));
            list.Add(world.ImmediateSend($"from {world.Rank}", dest, tag + 100));
        }
        int expected = list.Count;
        Check.Equal(expected, complete(list), $"RequestList.{what} completes every request");
        Check.Equal(0, list.Count, $"RequestList.{what} empties the list");
        for (int source = 0; source < world.Size; source++)
        {
            Check.Equal(source, (int)values[source].GetValue(), $"RequestList.{what} int from {source}");
            Check.Equal($"from {source}", (string)texts[source].GetValue(), $"RequestList.{what} string from {source}");
        }
    }
}
