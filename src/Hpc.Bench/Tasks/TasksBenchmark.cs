using System.Diagnostics;
using Hpc.Tasks;

namespace Hpc.Bench.Tasks;

/// <summary>The cases of <c>hpc-bench tasks</c> and their sizes (tests run them smaller).</summary>
internal sealed record TaskCaseSizes
{
    /// <summary>map_empty: empty tasks through Map with its default chunking.</summary>
    public int MapEmptyTasks { get; init; } = 100_000;

    /// <summary>submit_empty: Submits of an empty task, one task per Submit.</summary>
    public int SubmitEmptyTasks { get; init; } = 20_000;

    /// <summary>map_1mib: tasks taking and returning a 1 MiB float array.</summary>
    public int LargeTasks { get; init; } = 500;

    /// <summary>map_1mib: floats in each array (262,144 = 1 MiB).</summary>
    public int LargeFloats { get; init; } = 1 << 18;

    /// <summary>uneven: tasks of 1-20 ms (1 + (i × 7919) mod 20), chunk size 1.</summary>
    public int UnevenTasks { get; init; } = 300;

    /// <summary>Timed repetitions of the fast cases; the median is printed (uneven runs once).</summary>
    public int Repetitions { get; init; } = 5;
}

/// <summary>
/// <c>hpc-bench tasks</c>: rank 0 is the client of a <see cref="TaskPool"/>, the other ranks its
/// workers. One row per case: its name, tasks per second, tasks, seconds, and for uneven the
/// makespan over the ideal (sum of measured task durations / workers). bench/compare-tasks.py runs
/// the same cases with Python's pools and mpi4py.futures.
/// </summary>
internal sealed class TasksBenchmark(Communicator world, TaskCaseSizes sizes, IReadOnlyList<string> cases, TextWriter output)
{
    public static readonly string[] CaseNames = ["map_empty", "submit_empty", "map_1mib", "uneven"];

    public int Run()
    {
        using TaskPool? pool = TaskPool.Create(world);
        if (pool is null)
            return 0;
        if (pool.WorkerCount == 0)
        {
            output.WriteLine("hpc-bench tasks: needs at least 2 ranks (1 client + workers): dotnet mpirun -np 4 hpc-bench tasks");
            return 2;
        }
        output.WriteLine($"# hpc-bench tasks: 1 client, {pool.WorkerCount} workers; median of {sizes.Repetitions} runs (uneven: 1 run)");
        output.WriteLine($"{"# case",-14}{"tasks/s",14}{"tasks",9}{"seconds",11}  makespan/ideal");
        foreach (string name in cases)
        {
            switch (name)
            {
                case "map_empty":
                    Row(name, sizes.MapEmptyTasks, Median(() => MapEmpty(pool)));
                    break;
                case "submit_empty":
                    Row(name, sizes.SubmitEmptyTasks, Median(() => SubmitEmpty(pool)));
                    break;
                case "map_1mib":
                    Row(name, sizes.LargeTasks, Median(() => MapLarge(pool)));
                    break;
                case "uneven":
                    (double seconds, double ratio) = Uneven(pool);
                    Row(name, sizes.UnevenTasks, seconds, $"  {ratio:F3}");
                    break;
            }
        }
        return 0;
    }

    private void Row(string name, int tasks, double seconds, string extra = "") =>
        output.WriteLine($"{name,-14}{tasks / seconds,14:F1}{tasks,9}{seconds,11:F4}{extra}");

    /// <summary>One untimed run (compiles the code, defines the function on every worker), then the median of the timed ones.</summary>
    private double Median(Func<double> run)
    {
        run();
        double[] times = [.. Enumerable.Range(0, sizes.Repetitions).Select(_ => run())];
        Array.Sort(times);
        return times[times.Length / 2];
    }

    private static int Empty(int x) => x;

    private static float[] Echo(float[] data) => data;

    /// <summary>Sleeps <paramref name="milliseconds"/> and returns how long it really took, in ms.</summary>
    private static double Sleep(int milliseconds)
    {
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep(milliseconds);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>1-20 ms, each value equally often, in an order bench/compare-tasks.py reproduces.</summary>
    public static int UnevenDuration(int i) => 1 + (int)((i * 7919L) % 20);

    private double MapEmpty(TaskPool pool)
    {
        int[] items = [.. Enumerable.Range(0, sizes.MapEmptyTasks)];
        long start = Stopwatch.GetTimestamp();
        int[] results = pool.Map(Empty, items);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (results[^1] != items[^1])
            throw new InvalidOperationException("map_empty: wrong result");
        return seconds;
    }

    private double SubmitEmpty(TaskPool pool)
    {
        var tasks = new Task<int>[sizes.SubmitEmptyTasks];
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < tasks.Length; i++)
            tasks[i] = pool.Submit(Empty, i);
        Task.WaitAll(tasks);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Each task gets one 1 MiB array and returns it; results are dropped as they arrive so memory stays bounded.</summary>
    private double MapLarge(TaskPool pool)
    {
        var data = new float[sizes.LargeFloats];
        data[^1] = 1;
        float[][] items = [.. Enumerable.Repeat(data, sizes.LargeTasks)];
        long start = Stopwatch.GetTimestamp();
        int received = Task.Run(async () =>
        {
            int count = 0;
            await foreach ((int _, float[] result) in pool.MapUnordered(Echo, items, chunkSize: 1))
                count += result.Length == data.Length && result[^1] == 1 ? 1 : 0;
            return count;
        }).GetAwaiter().GetResult();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (received != items.Length)
            throw new InvalidOperationException("map_1mib: wrong result");
        return seconds;
    }

    private (double Seconds, double Ratio) Uneven(TaskPool pool)
    {
        int[] durations = [.. Enumerable.Range(0, sizes.UnevenTasks).Select(UnevenDuration)];
        long start = Stopwatch.GetTimestamp();
        double[] measured = pool.Map(Sleep, durations, chunkSize: 1);
        double makespan = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double ideal = measured.Sum() / 1000.0 / pool.WorkerCount;
        return (makespan, makespan / ideal);
    }
}
