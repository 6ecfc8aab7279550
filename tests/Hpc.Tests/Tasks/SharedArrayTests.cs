using Hpc.Tasks;
using Xunit;

namespace Hpc.Tests.Tasks;

// Ranks as threads: every rank allocates, writes its own slice, fences and reads the others' in
// place. The threads share the address space, as the host's processes share the /dev/shm block;
// `hosts:` makes ranks pretend to live on several hosts, which must then get separate blocks.
public class SharedArrayTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void Every_rank_writes_its_slice_and_after_a_fence_reads_the_whole_block(int size)
    {
        InProcessWorld.Run(size, world =>
        {
            // Uneven slices: rank r holds r + 3 elements.
            using SharedArray<long> array = world.AllocateShared<long>(world.Rank + 3);
            int expectedLength = Enumerable.Range(0, size).Sum(r => r + 3);
            Assert.Equal(expectedLength, array.Length);
            Assert.Equal(world.Rank + 3, array.LocalLength);
            Assert.Equal(Enumerable.Range(0, world.Rank).Sum(r => r + 3), array.LocalOffset);
            Assert.All(array.Whole.ToArray(), x => Assert.Equal(0, x));   // zero-filled
            array.Fence();                                                  // nobody writes before everyone checked zeros

            for (int i = 0; i < array.LocalLength; i++)
                array.Local[i] = world.Rank * 1000L + i;
            array.Fence();

            Span<long> whole = array.Whole;
            for (int r = 0; r < size; r++)
            {
                Span<long> slice = array.SliceOf(r);
                Assert.Equal(r + 3, slice.Length);
                Assert.Equal(array.OffsetOf(r), Enumerable.Range(0, r).Sum(q => q + 3));
                for (int i = 0; i < slice.Length; i++)
                {
                    Assert.Equal(r * 1000L + i, slice[i]);
                    Assert.Equal(r * 1000L + i, whole[array.OffsetOf(r) + i]);
                }
            }
            // Memory views the same storage.
            Assert.Equal(array.Whole.ToArray(), array.WholeMemory.ToArray());
            Assert.Equal(array.Local.ToArray(), array.LocalMemory.Span.ToArray());
        });
    }

    [Fact]
    public void A_write_into_another_ranks_slice_is_seen_by_that_rank_after_the_fence()
    {
        InProcessWorld.Run(3, world =>
        {
            using SharedArray<int> array = world.AllocateShared<int>(4);
            // Each rank writes into its right neighbour's slice, not its own.
            array.SliceOf((world.Rank + 1) % 3).Fill(world.Rank + 10);
            array.Fence();
            Assert.All(array.Local.ToArray(), x => Assert.Equal((world.Rank + 2) % 3 + 10, x));
        });
    }

    [Fact]
    public void Ranks_on_different_hosts_get_separate_blocks_of_their_own_hosts_slices()
    {
        string[] hosts = ["a", "b", "a", "b", "b"];
        InProcessWorld.Run(5, world =>
        {
            using SharedArray<int> array = world.AllocateShared<int>(2);
            int[] mates = [.. Enumerable.Range(0, 5).Where(r => hosts[r] == hosts[world.Rank])];
            Assert.Equal(mates.Length, array.Host.Size);
            Assert.Equal(Array.IndexOf(mates, world.Rank), array.Host.Rank);
            Assert.Equal(2 * mates.Length, array.Length);
            array.Local.Fill(world.Rank);
            array.Fence();
            // Host a's block holds ranks 0 and 2; host b's ranks 1, 3 and 4: nothing of the other host.
            Assert.Equal(mates.SelectMany(r => new[] { r, r }), array.Whole.ToArray());
        }, hosts: hosts);
    }

    [Fact]
    public void Hosts_blocks_are_distinct_memory_even_where_the_host_layouts_match()
    {
        string[] hosts = ["a", "a", "b", "b"];
        InProcessWorld.Run(4, world =>
        {
            using SharedArray<int> array = world.AllocateShared<int>(1);
            array.Local[0] = world.Rank;
            array.Fence();
            world.Barrier();   // both hosts have written before either reads
            Assert.Equal(hosts[world.Rank] == "a" ? new[] { 0, 1 } : new[] { 2, 3 }, array.Whole.ToArray());
        }, hosts: hosts);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void BroadcastShared_gives_every_rank_the_roots_data_in_one_block_per_host(int root)
    {
        string[] hosts = ["a", "a", "b", "b", "b", "c"];
        double[] data = [.. Enumerable.Range(0, 10_000).Select(i => Math.Sqrt(i))];
        nint[] addresses = InProcessWorld.Run(6, world =>
        {
            using SharedReadOnlyArray<double> copy = world.BroadcastShared<double>(world.Rank == root ? data : [], root);
            Assert.Equal(data.Length, copy.Length);
            Assert.Equal(data, copy.Span.ToArray());
            Assert.Equal(data, copy.Memory.ToArray());
            Assert.Equal(hosts.Count(h => h == hosts[world.Rank]), copy.Host.Size);
            unsafe
            {
                fixed (double* p = copy.Span)
                    return (nint)p;
            }
        }, hosts: hosts);
        // One copy per host: the ranks of a host read the same memory, each host its own.
        for (int r = 0; r < 6; r++)
        {
            for (int q = 0; q < 6; q++)
                Assert.Equal(hosts[r] == hosts[q], addresses[r] == addresses[q]);
        }
    }

    [Fact]
    public void BroadcastShared_with_a_fill_writes_straight_into_the_roots_block()
    {
        InProcessWorld.Run(4, world =>
        {
            using SharedReadOnlyArray<int> copy = world.BroadcastShared<int>(1000, root: 1, block =>
            {
                Assert.Equal(1, world.Rank);   // the fill runs on the root only
                for (int i = 0; i < block.Length; i++)
                    block[i] = i * 7;
            });
            Assert.Equal(Enumerable.Range(0, 1000).Select(i => i * 7), copy.Span.ToArray());
        }, hosts: ["x", "y", "x", "y"]);
    }

    [Fact]
    public void A_fill_that_throws_fails_the_root_with_its_exception_and_the_others_with_one_naming_the_root()
    {
        var errors = InProcessWorld.Run(3, world =>
        {
            try
            {
                world.BroadcastShared<int>(10, root: 2, _ => throw new InvalidOperationException("no such file"));
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        Assert.IsType<InvalidOperationException>(errors[2]);
        Assert.Equal("no such file", errors[2]!.Message);
        for (int r = 0; r < 2; r++)
        {
            var e = Assert.IsType<HpcException>(errors[r]);
            Assert.Contains("the fill delegate threw at root 2", e.Message);
        }
    }

    [Fact]
    public void Empty_arrays_and_empty_broadcasts_work()
    {
        InProcessWorld.Run(3, world =>
        {
            using SharedArray<float> none = world.AllocateShared<float>(0);
            Assert.Equal(0, none.Length);
            Assert.True(none.Whole.IsEmpty);
            none.Fence();
            using SharedArray<float> some = world.AllocateShared<float>(world.Rank == 1 ? 5 : 0);
            Assert.Equal(5, some.Length);
            Assert.Equal(world.Rank == 1 ? 5 : 0, some.LocalLength);
            using SharedReadOnlyArray<float> empty = world.BroadcastShared<float>([], root: 0);
            Assert.Equal(0, empty.Length);
        });
    }

    [Fact]
    public void A_negative_count_on_one_rank_throws_the_same_ArgumentException_on_every_rank()
    {
        var errors = InProcessWorld.Run(3, world => Record(() => world.AllocateShared<int>(world.Rank == 1 ? -4 : 8)), timeout: TimeSpan.FromSeconds(20));
        foreach (Exception? e in errors)
        {
            var argument = Assert.IsType<ArgumentException>(e);
            Assert.Equal("localCount", argument.ParamName);
            Assert.StartsWith("localCount is -4 on rank 1 of 'world'; a shared array's slice holds 0 or more elements", argument.Message);
        }
        // The communicator is still usable afterwards.
        InProcessWorld.Run(2, world =>
        {
            Assert.Throws<ArgumentException>(() => world.AllocateShared<int>(-1));
            using SharedArray<int> ok = world.AllocateShared<int>(1);
            Assert.Equal(2, ok.Length);
        });
    }

    [Fact]
    public void Bad_lengths_and_roots_of_BroadcastShared_throw_one_clear_exception_on_every_rank()
    {
        var negative = InProcessWorld.Run(2, world => Record(() => world.BroadcastShared<int>(-5, 0, _ => { })));
        Assert.All(negative, e => Assert.StartsWith("length is -5 at root 0 of 'world'; it must be 0 or more", Assert.IsType<ArgumentException>(e).Message));

        var differ = InProcessWorld.Run(3, world => Record(() => world.BroadcastShared<int>(world.Rank == 2 ? 9 : 10, 0, _ => { })));
        Assert.All(differ, e => Assert.Contains("root 0 passed 10, rank 2 another", Assert.IsType<ArgumentException>(e).Message));

        var root = InProcessWorld.Run(2, world => Record(() => world.BroadcastShared<int>([1], root: 7)));
        Assert.All(root, e => Assert.Contains("root 7 is outside communicator 'world' of size 2", Assert.IsType<ArgumentOutOfRangeException>(e).Message));
    }

    [Fact]
    public void A_disposed_array_refuses_access_and_a_second_dispose_does_nothing()
    {
        InProcessWorld.Run(2, world =>
        {
            SharedArray<int> array = world.AllocateShared<int>(3);
            Memory<int> memory = array.WholeMemory;
            array.Dispose();
            array.Dispose();
            Assert.Throws<ObjectDisposedException>(() => array.Whole.Length);
            Assert.Throws<ObjectDisposedException>(() => array.Fence());
            Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
            using SharedArray<int> other = world.AllocateShared<int>(1);
            Assert.Throws<ArgumentOutOfRangeException>(() => other.SliceOf(2).Length);
        });
    }

    [Fact]
    public void Many_allocations_and_disposals_in_a_row_release_their_memory()
    {
        InProcessWorld.Run(4, world =>
        {
            for (int i = 0; i < 50; i++)
            {
                using SharedArray<byte> array = world.AllocateShared<byte>(1 << 16);
                array.Local.Fill((byte)i);
                array.Fence();
                Assert.Equal((byte)i, array.SliceOf((array.Host.Rank + 1) % array.Host.Size)[100]);
            }
        }, hosts: ["a", "a", "b", "b"]);
    }

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
