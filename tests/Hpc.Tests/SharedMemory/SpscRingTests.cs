using System.Runtime.InteropServices;
using Hpc.Messaging;
using Hpc.Transport.SharedMemory;
using Xunit;

namespace Hpc.Tests.SharedMemory;

/// <summary>
/// The shared-memory ring on plain zeroed memory (as a fresh /dev/shm file is): order and
/// content of records, wrap-around, a full ring, and a producer and a consumer on two threads.
/// </summary>
public sealed unsafe class SpscRingTests : IDisposable
{
    private const long Capacity = 4096;
    private readonly byte* _memory = (byte*)NativeMemory.AllocZeroed((nuint)SpscRing.SlotBytes(Capacity));

    private SpscRing Ring(long capacity = Capacity) => new(_memory, capacity);

    // Set when a test's threads may still touch the ring: freeing it under them would corrupt the
    // native heap of the whole test run, so the memory is left to the process instead.
    private bool _threadsMayStillRun;

    public void Dispose()
    {
        if (!_threadsMayStillRun)
            NativeMemory.Free(_memory);
    }

    private static byte[] Record(int sequence, int length)
    {
        var bytes = new byte[length];
        new Random(sequence).NextBytes(bytes);
        if (length >= 4)
            BitConverter.TryWriteBytes(bytes, sequence);
        return bytes;
    }

    private static List<byte[]> DrainAll(SpscRing ring)
    {
        var records = new List<byte[]>();
        ring.Drain(ref records, static (ref List<byte[]> list, ReadOnlySpan<byte> record) =>
        {
            list.Add(record.ToArray());
            return true;
        });
        return records;
    }

    [Fact]
    public void ADrainStopsAfterTheRecordItsConsumerEndsWithAndTheNextDrainGoesOn()
    {
        SpscRing ring = Ring();
        for (int i = 0; i < 5; i++)
            ring.Write(BitConverter.GetBytes(i), [], null, spin: false);
        var seen = new List<int>();
        // Stop after record 1, as a waiter stops once its receive completed.
        int first = ring.Drain(ref seen, static (ref List<int> list, ReadOnlySpan<byte> record) =>
        {
            list.Add(BitConverter.ToInt32(record));
            return list.Count < 2;
        });
        Assert.Equal(2, first);
        Assert.Equal([0, 1], seen);
        Assert.True(ring.HasData);
        Assert.Equal([2, 3, 4], DrainAll(ring).Select(record => BitConverter.ToInt32(record)));
        Assert.False(ring.HasData);
    }

    [Fact]
    public void AnEmptyRingHasNothingToRead()
    {
        SpscRing ring = Ring();
        Assert.False(ring.HasData);
        Assert.Empty(DrainAll(ring));
    }

    [Fact]
    public void RecordsComeOutInOrderWithTheirBytes()
    {
        SpscRing ring = Ring();
        byte[] header = [1, 2, 3];
        ring.Write(header, Record(7, 40), null, spin: true);
        ring.Write(default, Record(8, 1), null, spin: true);
        ring.Write(Record(9, 100), default, null, spin: true);
        Assert.True(ring.HasData);

        List<byte[]> records = DrainAll(ring);

        Assert.Equal(3, records.Count);
        Assert.Equal([.. header, .. Record(7, 40)], records[0].AsSpan(0, 43).ToArray());
        Assert.Equal(Record(8, 1), records[1].AsSpan(0, 1).ToArray());
        Assert.Equal(Record(9, 100), records[2].AsSpan(0, 100).ToArray());
        Assert.False(ring.HasData);
    }

    [Fact]
    public void RecordsWrapAroundManyTimesWithoutPhantomRecords()
    {
        // Sizes that do not divide the ring: records land on every offset, new first words land
        // on old payload bytes (all 0xFF here), and many records go back to the start.
        SpscRing ring = Ring();
        int[] sizes = [4, 56, 57, 200, 1000, 1500, 8, 300];
        for (int i = 0; i < 2000; i++)
        {
            int length = sizes[i % sizes.Length];
            byte[] payload = Enumerable.Repeat((byte)0xFF, length).ToArray();
            BitConverter.TryWriteBytes(payload, i);
            ring.Write(default, payload, null, spin: true);
            List<byte[]> records = DrainAll(ring);
            byte[] only = Assert.Single(records);
            Assert.Equal(i, BitConverter.ToInt32(only));
            Assert.True(only.AsSpan(4, length - 4).IndexOfAnyExcept((byte)0xFF) < 0);
            Assert.False(ring.HasData);
        }
    }

    [Fact]
    public void AFullRingMakesTheProducerWaitUntilTheConsumerFreesSpace()
    {
        SpscRing ring = Ring();
        var received = new List<int>();
        int waits = 0;
        void Consume()
        {
            waits++;
            foreach (byte[] record in DrainAll(ring))
                received.Add(BitConverter.ToInt32(record));
        }

        for (int i = 0; i < 100; i++)
            ring.Write(default, Record(i, 500), Consume, spin: true);
        Consume();

        Assert.True(waits > 1, "the ring never filled up");
        Assert.Equal(Enumerable.Range(0, 100), received);
    }

    [Fact]
    public void TheLargestRecordFitsAndALargerOneIsRefused()
    {
        SpscRing ring = Ring();
        int largest = (int)ring.MaxRecordBytes;
        for (int i = 0; i < 5; i++)
        {
            ring.Write(default, Record(i, largest), null, spin: true);
            Assert.Equal(Record(i, largest), Assert.Single(DrainAll(ring)).AsSpan(0, largest).ToArray());
        }
        var error = Assert.Throws<ArgumentException>(() => ring.Write(default, new byte[largest + 1], null, spin: true));
        Assert.Contains($"{largest + 1} bytes", error.Message);
    }

    [Fact]
    public void ACorruptRecordLengthIsAProtocolViolation()
    {
        SpscRing ring = Ring();
        *(int*)(_memory + SpscRing.ControlBytes) = 12345;
        var error = Assert.Throws<ProtocolViolationException>(() => DrainAll(ring));
        Assert.Contains("12345", error.Message);
    }

    [Fact]
    public void ACapacityThatIsNotAPowerOfTwoIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ring(3000));
    }

    [Fact]
    public void AProducerAndAConsumerOnTwoThreadsAgreeOnEveryByte()
    {
        const int records = 200_000;
        SpscRing ring = Ring();
        var random = new Random(20261201);
        int[] lengths = [.. Enumerable.Range(0, records).Select(_ => random.Next(4, 1800))];
        long expectedSum = 0;
        for (int i = 0; i < records; i++)
            expectedSum += Checksum(Record(i, lengths[i]));

        var producer = new Thread(() =>
        {
            for (int i = 0; i < records; i++)
                // Yield while full: the consumer may share this core (the test host runs tests in parallel).
                ring.Write(BitConverter.GetBytes(lengths[i]), Record(i, lengths[i]), null, spin: false);
        }) { IsBackground = true };
        var result = new ConsumerState(lengths);
        var consumer = new Thread(() =>
        {
            var spinner = new SpinWait();
            while (result.Next < records)
            {
                if (ring.Drain(ref result, static (ref ConsumerState s, ReadOnlySpan<byte> record) =>
                {
                    s.Take(record);
                    return true;
                }) == 0)
                    spinner.SpinOnce(sleep1Threshold: -1);
            }
        }) { IsBackground = true };
        producer.Start();
        consumer.Start();

        _threadsMayStillRun = true;
        bool finished = producer.Join(TimeSpan.FromSeconds(50)) & consumer.Join(TimeSpan.FromSeconds(50));
        _threadsMayStillRun = !finished;
        Assert.True(producer.Join(TimeSpan.FromSeconds(50)), "the producer did not finish");
        Assert.True(consumer.Join(TimeSpan.FromSeconds(50)), "the consumer did not finish");
        Assert.Null(result.FirstError);
        Assert.Equal(expectedSum, result.Sum);
        Assert.False(ring.HasData);
    }

    private static long Checksum(ReadOnlySpan<byte> bytes)
    {
        long sum = 0;
        for (int i = 0; i < bytes.Length; i++)
            sum = sum * 31 + bytes[i];
        return sum;
    }

    private struct ConsumerState(int[] lengths)
    {
        public int Next;
        public long Sum;
        public string? FirstError;

        public void Take(ReadOnlySpan<byte> record)
        {
            int length = BitConverter.ToInt32(record);
            ReadOnlySpan<byte> payload = record.Slice(4, length);
            if (length != lengths[Next] || BitConverter.ToInt32(payload) != Next)
                FirstError ??= $"record {Next}: length {length}, sequence {BitConverter.ToInt32(payload)}";
            Sum += Checksum(payload);
            Next++;
        }
    }
}
