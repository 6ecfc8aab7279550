using System;
using System.Collections.Generic;
using System.Linq;
using MPI;

namespace MpiNetRank;

/// <summary>Assertions that name what failed and on which rank.</summary>
internal static class Check
{
    public static int Rank => MPI.Communicator.world?.Rank ?? -1;

    public static void True(bool condition, string what)
    {
        if (!condition)
            throw new InvalidOperationException($"rank {Rank}: check failed: {what}");
    }

    public static void Equal<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new InvalidOperationException($"rank {Rank}: {what}: expected {Show(expected)}, got {Show(actual)}");
    }

    public static void Sequence<T>(IEnumerable<T> expected, IEnumerable<T> actual, string what)
    {
        if (actual is null || !expected.SequenceEqual(actual))
            throw new InvalidOperationException($"rank {Rank}: {what}: expected [{string.Join(", ", expected)}], got [{(actual is null ? "null" : string.Join(", ", actual))}]");
    }

    public static TException Throws<TException>(Action action, string what) where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException e)
        {
            return e;
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"rank {Rank}: {what}: expected {typeof(TException).Name}, got {e.GetType().Name}: {e.Message}", e);
        }
        throw new InvalidOperationException($"rank {Rank}: {what}: expected {typeof(TException).Name}, nothing was thrown");
    }

    private static string Show<T>(T value) => value is null ? "null" : value.ToString();
}

/// <summary>Runs one area on every rank and reports it once all ranks passed.</summary>
internal static class Areas
{
    public static void Run(string name, Intracommunicator world, Action<Intracommunicator> area)
    {
        double start = MPI.Environment.Time;
        area(world);
        // Every rank must have passed before rank 0 reports the area.
        int passed = world.Allreduce(1, Operation<int>.Add);
        Check.Equal(world.Size, passed, $"ranks that passed area {name}");
        if (world.Rank == 0)
            Console.WriteLine($"mpinet {name} ok: {world.Size} ranks ({MPI.Environment.Time - start:F2} s)");
    }
}
