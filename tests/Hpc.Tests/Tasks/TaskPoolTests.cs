using Hpc.Tasks;
using Xunit;

namespace Hpc.Tests.Tasks;

// Ranks as threads: every rank calls TaskPool.Create; the workers serve inside it and the client
// (rank 0 unless said) runs the assertions. Statics are shared by the rank threads, which the
// counting tests use to see what the workers did.
[Collection("TaskPool")]
public class TaskPoolTests
{
    private static int Square(int x) => x * x;

    private static long Multiply(int x, long y) => x * y;

    private static double Combine(int a, double b, short c) => a + b * c;

    private static int FortyTwo() => 42;

    private static int FailOnSeven(int x)
    {
        Interlocked.Increment(ref s_executed);
        return x == 7 ? throw new InvalidOperationException($"boom {x}") : x;
    }

    private static int s_executed;

    private static void OnPool(int size, Action<TaskPool> client, TaskPoolOptions? options = null, int clientRank = 0) =>
        InProcessWorld.Run(size, world =>
        {
            using TaskPool? pool = TaskPool.Create(world, clientRank, options);
            if (pool is null)
                return;
            Assert.Equal(clientRank, world.Rank);
            client(pool);
        });

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Map_returns_results_in_the_order_of_the_items(int size)
    {
        OnPool(size, pool =>
        {
            Assert.Equal(size - 1, pool.WorkerCount);
            int[] items = [.. Enumerable.Range(-500, 1000)];
            Assert.Equal(items.Select(Square), pool.Map(Square, items));
            Assert.Equal(items.Select(Square), pool.Map(Square, items, chunkSize: 7));
            Assert.Equal(items.Select(Square), pool.Map(Square, items, chunkSize: 1));
        });
    }

    [Fact]
    public void Chunking_edge_cases_zero_items_fewer_items_than_workers_and_chunks_larger_than_the_call()
    {
        OnPool(5, pool =>
        {
            Assert.Empty(pool.Map(Square, Array.Empty<int>()));
            Assert.Equal([4, 9], pool.Map(Square, [2, 3]));
            Assert.Equal([1, 4, 9], pool.Map(Square, [1, 2, 3], chunkSize: 100));
            Assert.Equal([25], pool.Map(Square, [5], chunkSize: 1));
            var refused = Assert.Throws<ArgumentOutOfRangeException>(() => pool.Map(Square, [1], chunkSize: -1));
            Assert.Contains("chunkSize must be 1 or more", refused.Message);
        });
    }

    [Fact]
    public void Starmap_passes_two_and_three_arguments()
    {
        OnPool(3, pool =>
        {
            (int, long)[] pairs = [.. Enumerable.Range(0, 300).Select(i => (i, (long)i << 20))];
            Assert.Equal(pairs.Select(p => p.Item1 * p.Item2), pool.Starmap(Multiply, pairs));
            (int, double, short)[] triples = [(1, 0.5, 4), (2, 1.5, 2), (-3, 2.0, -1)];
            Assert.Equal(triples.Select(t => t.Item1 + t.Item2 * t.Item3), pool.Starmap(Combine, triples));
        });
    }

    [Fact]
    public void Submit_returns_each_result_with_zero_to_three_arguments()
    {
        OnPool(4, pool =>
        {
            Task<int>[] squares = [.. Enumerable.Range(0, 200).Select(i => pool.Submit(Square, i))];
            Task<long> product = pool.Submit(Multiply, 6, 7L);
            Task<double> combined = pool.Submit(Combine, 1, 2.0, (short)3);
            Task<int> answer = pool.Submit(FortyTwo);
            Assert.Equal(Enumerable.Range(0, 200).Select(Square), Task.WhenAll(squares).GetAwaiter().GetResult());
            Assert.Equal(42L, product.GetAwaiter().GetResult());
            Assert.Equal(7.0, combined.GetAwaiter().GetResult());
            Assert.Equal(42, answer.GetAwaiter().GetResult());
        });
    }

    [Fact]
    public void MapUnordered_yields_every_result_once_with_its_index()
    {
        OnPool(4, pool =>
        {
            var seen = new Dictionary<int, int>();
            Task.Run(async () =>
            {
                await foreach ((int index, int result) in pool.MapUnordered(Square, Enumerable.Range(0, 500), chunkSize: 3))
                    seen.Add(index, result);
            }).GetAwaiter().GetResult();
            Assert.Equal(500, seen.Count);
            Assert.All(seen, pair => Assert.Equal(pair.Key * pair.Key, pair.Value));
        });
    }

    [Fact]
    public void A_task_that_throws_fails_with_the_rank_and_remote_text_while_the_other_tasks_complete()
    {
        OnPool(4, pool =>
        {
            Interlocked.Exchange(ref s_executed, 0);
            var error = Assert.Throws<RemoteTaskException>(() => pool.Map(FailOnSeven, Enumerable.Range(0, 100), chunkSize: 4));
            Assert.Equal(100, Volatile.Read(ref s_executed));
            Assert.Equal(7, error.TaskIndex);
            Assert.InRange(error.Rank, 1, 3);
            Assert.Equal(typeof(InvalidOperationException).FullName, error.RemoteType);
            Assert.Contains($"task 7 failed on rank {error.Rank}", error.Message);
            Assert.Contains("boom 7", error.Message);
            Assert.Contains(nameof(FailOnSeven), error.RemoteStackTrace);
            Assert.Contains("remote stack trace on rank", error.ToString());

            Task<int> bad = pool.Submit(FailOnSeven, 7);
            Task<int> good = pool.Submit(FailOnSeven, 8);
            Assert.Equal(8, good.GetAwaiter().GetResult());
            var submitted = Assert.Throws<RemoteTaskException>(() => bad.GetAwaiter().GetResult());
            Assert.Contains("boom 7", submitted.RemoteMessage);

            // The pool is still usable after failures.
            Assert.Equal([0, 1, 4], pool.Map(Square, [0, 1, 2]));
        });
    }

    [Fact]
    public void MapUnordered_throws_when_it_reaches_a_failed_task()
    {
        OnPool(3, pool =>
        {
            var error = Assert.ThrowsAsync<RemoteTaskException>(async () =>
            {
                await foreach (var _ in pool.MapUnordered(FailOnSeven, Enumerable.Range(0, 20), chunkSize: 1)) { }
            }).GetAwaiter().GetResult();
            Assert.Equal(7, error.TaskIndex);
        });
    }

    [Fact]
    public void A_lambda_that_captures_state_is_refused_with_what_to_write_instead()
    {
        OnPool(2, pool =>
        {
            int factor = 3;
            var refused = Assert.Throws<ArgumentException>(() => pool.Map((int x) => x * factor, [1, 2]));
            Assert.Contains("is a lambda that captures state (", refused.Message);
            Assert.Contains("factor", refused.Message);
            Assert.Contains("Write a static method", refused.Message);
            Assert.Equal("function", refused.ParamName);

            var holder = new Holder();
            var instance = Assert.Throws<ArgumentException>(() => SubmitTwice(pool, holder));
            Assert.Contains("instance method bound to a Holder", instance.Message);

            // A lambda that captures nothing, static or not, runs.
            Assert.Equal([2, 4], pool.Map(static (int x) => x * 2, [1, 2]));
            Assert.Equal([3, 6], pool.Map((int x) => x * 3, [1, 2]));
        });
    }

    private static void SubmitTwice(TaskPool pool, Holder holder) => pool.Submit(holder.Twice, 1);

    private sealed class Holder
    {
        public int Twice(int x) => 2 * x;
    }

    private static int s_fastDone;

    /// <summary>Task 0 holds its worker until nearly every other task is done: only dynamic scheduling gets there.</summary>
    private static int SlowFirst(int x)
    {
        if (x != 0)
        {
            Interlocked.Increment(ref s_fastDone);
            return x;
        }
        // Behind task 0 its worker holds ChunksPerWorker - 1 more chunk, which cannot complete.
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref s_fastDone) < UnevenTasks - 2)
        {
            if (DateTime.UtcNow > deadline)
                return -1;
            Thread.Sleep(1);
        }
        return 0;
    }

    private const int UnevenTasks = 90;

    [Fact]
    public void One_slow_task_does_not_hold_up_the_others()
    {
        OnPool(4, pool =>
        {
            Interlocked.Exchange(ref s_fastDone, 0);
            int[] results = pool.Map(SlowFirst, Enumerable.Range(0, UnevenTasks), chunkSize: 1);
            Assert.Equal(0, results[0]);
            Assert.Equal(UnevenTasks - 1, Volatile.Read(ref s_fastDone));
        });
    }

    private static int s_started;

    private static int Sleepy(int x)
    {
        Interlocked.Increment(ref s_started);
        Thread.Sleep(2);
        return x;
    }

    [Fact]
    public void Cancellation_drops_the_queued_tasks_and_tells_the_workers()
    {
        const int Tasks = 400;
        const int Workers = 3;
        var options = new TaskPoolOptions { ChunksPerWorker = 2 };
        int completedAtCancel = -1;
        OnPool(Workers + 1, pool =>
        {
            Interlocked.Exchange(ref s_started, 0);
            using var cancel = new CancellationTokenSource();
            var progress = new SynchronousProgress(p =>
            {
                if (p.Completed >= 10 && completedAtCancel < 0)
                {
                    completedAtCancel = p.Completed;
                    cancel.Cancel();
                }
            });
            Assert.ThrowsAny<OperationCanceledException>(() => pool.Map(Sleepy, Enumerable.Range(0, Tasks), chunkSize: 1, progress, cancel.Token));
            var submitted = pool.Submit(Sleepy, 1, cancel.Token);
            Assert.True(submitted.IsCanceled);
        }, options);
        // Dispose waited for the chunks the workers held; at most those ran after the cancel.
        Assert.InRange(Volatile.Read(ref s_started), completedAtCancel, completedAtCancel + Workers * options.ChunksPerWorker + Workers);
    }

    private sealed class SynchronousProgress(Action<TaskPoolProgress> report) : IProgress<TaskPoolProgress>
    {
        public void Report(TaskPoolProgress value) => report(value);
    }

    [Fact]
    public void Progress_reports_every_chunk_up_to_the_total()
    {
        OnPool(3, pool =>
        {
            var reports = new System.Collections.Concurrent.ConcurrentBag<TaskPoolProgress>();
            pool.Map(Square, Enumerable.Range(0, 100), chunkSize: 10, new SynchronousProgress(reports.Add));
            Assert.Equal(10, reports.Count);
            Assert.Contains(new TaskPoolProgress(100, 100), reports);
        });
    }

    [Fact]
    public void A_one_rank_communicator_runs_the_tasks_locally_with_the_same_checks()
    {
        OnPool(1, pool =>
        {
            Assert.Equal(0, pool.WorkerCount);
            Assert.Equal(Enumerable.Range(0, 300).Select(Square), pool.Map(Square, Enumerable.Range(0, 300)));
            Assert.Equal(30L, pool.Submit(Multiply, 5, 6L).GetAwaiter().GetResult());
            var error = Assert.Throws<RemoteTaskException>(() => pool.Map(FailOnSeven, Enumerable.Range(0, 10)));
            Assert.Equal(0, error.Rank);
            int factor = 2;
            Assert.Throws<ArgumentException>(() => pool.Map((int x) => x * factor, [1]));
        });
    }

    public sealed record Sample(string Name, List<int> Values);

    private static string Describe(Sample sample) => $"{sample.Name}:{sample.Values.Sum()}";

    private static string[] Words(string text) => text.Split(' ');

    private static float[] Doubled(float[] data) => [.. data.Select(x => 2 * x)];

    private static int Length(float[] data) => data?.Length ?? -1;

    [Fact]
    public void Types_that_are_not_unmanaged_travel_through_the_serializer_and_large_arrays_as_raw_bytes()
    {
        OnPool(3, pool =>
        {
            Sample[] samples = [new("a", [1, 2]), new("b", []), new("c", [10, 20, 30])];
            Assert.Equal(["a:3", "b:0", "c:60"], pool.Map(Describe, samples));
            string[][] split = pool.Map(Words, ["one two", "three", ""]);
            Assert.Equal([["one", "two"], ["three"], [""]], split);
            // 100,000 floats (400 KB) are sent as their own message each way; 10 floats inline.
            float[] large = [.. Enumerable.Range(0, 100_000).Select(i => (float)i)];
            float[] small = [.. Enumerable.Range(0, 10).Select(i => (float)i)];
            float[][] doubled = pool.Map(Doubled, [large, small, large], chunkSize: 2);
            Assert.Equal(large.Select(x => 2 * x), doubled[0]);
            Assert.Equal(small.Select(x => 2 * x), doubled[1]);
            Assert.Equal(large.Select(x => 2 * x), doubled[2]);
            Assert.Equal([-1, 100_000], pool.Map(Length, [null!, large]));
        });
    }

    [Fact]
    public void Any_rank_can_be_the_client_and_user_messages_do_not_mix_with_the_pool()
    {
        InProcessWorld.Run(4, world =>
        {
            // A message to rank 1 waits, unreceived, while the pool runs on its own duplicate.
            if (world.Rank == 2)
                world.Send(123, 1, 5);
            using (TaskPool? pool = TaskPool.Create(world, clientRank: 2))
            {
                if (pool is not null)
                    Assert.Equal([1, 4, 9], pool.Map(Square, [1, 2, 3], chunkSize: 1));
            }
            if (world.Rank == 1)
                Assert.Equal(123, world.Receive<int>(2, Communicator.AnyTag));
        });
    }

    [Fact]
    public void A_client_rank_outside_the_communicator_is_refused_in_one_line()
    {
        InProcessWorld.Run(1, world =>
        {
            var refused = Assert.Throws<ArgumentOutOfRangeException>(() => TaskPool.Create(world, clientRank: 3));
            Assert.Contains("clientRank must be a rank of world, 0 … 0", refused.Message);
        });
    }
}
