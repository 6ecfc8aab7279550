// One benchmark written against MPI.NET's public API (namespace MPI), built twice by
// bench/compare-mpinet.sh: against the MPI.NET 1.4.0 package (over MPICH) and against Hpc.MpiNet.
// Rank 0 prints one line per measurement:  RESULT <test> <bytes> <microseconds per operation>
//   pingpong   one-way time of a byte[] ping-pong (Send / Receive(ref T[]))
//   allreduce  Allreduce(double[], Operation<double>.Add, ref double[])
//   bcast      Broadcast(ref byte[], 0)
//   barrier    Barrier()
//   string     one-way time of a Send<string> / Receive<string> ping-pong (serialized path)
//   struct     one-way time of a serialized struct (a string and three doubles) ping-pong
// Each figure is the best of three trials of n operations (n shrinks with the size), after a warm-up.
using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using MPI;

internal static class Program
{
    private const int Trials = 3;

    private static int Main(string[] args)
    {
        // MPI.NET sends serialized values from worker threads, which needs MPI_THREAD_MULTIPLE.
        using (new MPI.Environment(ref args, Threading.Multiple))
        {
            Intracommunicator world = Communicator.world;
#if MPINET_PACKAGE
            // MPI.NET's default serializer is BinaryFormatter, which .NET 10 no longer has; use the
            // same System.Text.Json that Hpc.MpiNet uses by default.
            world.Serialization.Serializer = new JsonSerializerForMpiNet();
#endif
            if (world.Size != 2)
            {
                if (world.Rank == 0)
                    Console.Error.WriteLine($"run with 2 processes, not {world.Size}");
                return 2;
            }
            // An optional first argument runs only the tests whose names it lists (comma-separated).
            Func<string, bool> wanted = test => args.Length == 0 || Array.IndexOf(args[0].Split(','), test) >= 0;
            foreach (int bytes in wanted("pingpong") ? new[] { 1, 64, 1024, 16384, 262144, 4194304 } : [])
                Report(world, "pingpong", bytes, PingPong(world, new byte[bytes], Iterations(bytes, 20000)));
            foreach (int bytes in wanted("allreduce") ? new[] { 8, 2048, 65536, 524288, 8388608 } : [])
                Report(world, "allreduce", bytes, Allreduce(world, bytes / 8, Iterations(bytes, 10000)));
            foreach (int bytes in wanted("bcast") ? new[] { 64, 16384, 1048576, 8388608 } : [])
                Report(world, "bcast", bytes, Broadcast(world, bytes, Iterations(bytes, 10000)));
            if (wanted("barrier"))
                Report(world, "barrier", 0, Measure(world, 10000, () => world.Barrier()));
            foreach (int chars in wanted("string") ? new[] { 64, 16384 } : [])
                Report(world, "string", chars, PingPongObject(world, new string('x', chars), ObjectIterations));
            var particle = new Particle { Name = "particle-42", X = 1.5, Y = -2.25, Z = 3.125 };
            if (wanted("struct"))
                Report(world, "struct", 0, PingPongObject(world, particle, ObjectIterations));
        }
        return 0;
    }

    // MPI.NET's serialized path takes milliseconds per message here, so the object tests repeat less.
    private const int ObjectIterations = 30;

    private static int Iterations(int bytes, int small) => Math.Clamp((int)(256L * 1024 * 1024 / Math.Max(bytes, 1) / 16), 10, small);

    private static void Report(Intracommunicator world, string test, int bytes, double seconds)
    {
        if (world.Rank == 0)
            Console.WriteLine($"RESULT {test} {bytes} {seconds * 1e6:F3}");
    }

    // Best of the trials, in seconds per operation (all ranks agree on the timing through rank 0's clock).
    private static double Measure(Intracommunicator world, int n, Action operation)
    {
        for (int i = 0; i < Math.Min(n, 100); i++)
            operation();
        double best = double.MaxValue;
        for (int t = 0; t < Trials; t++)
        {
            world.Barrier();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
                operation();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / n);
        }
        double result = best;
        world.Broadcast(ref result, 0);
        return result;
    }

    private static double PingPong(Intracommunicator world, byte[] buffer, int n)
    {
        int other = 1 - world.Rank;
        byte[] incoming = new byte[buffer.Length];
        return Measure(world, n, () =>
        {
            if (world.Rank == 0)
            {
                world.Send(buffer, other, 1);
                world.Receive(other, 1, ref incoming);
            }
            else
            {
                world.Receive(other, 1, ref incoming);
                world.Send(buffer, other, 1);
            }
        }) / 2;
    }

    private static double PingPongObject<T>(Intracommunicator world, T value, int n)
    {
        int other = 1 - world.Rank;
        return Measure(world, n, () =>
        {
            if (world.Rank == 0)
            {
                world.Send(value, other, 2);
                world.Receive<T>(other, 2);
            }
            else
            {
                T got = world.Receive<T>(other, 2);
                world.Send(got, other, 2);
            }
        }) / 2;
    }

    private static double Allreduce(Intracommunicator world, int count, int n)
    {
        double[] send = new double[count];
        double[] receive = new double[count];
        for (int i = 0; i < count; i++)
            send[i] = world.Rank + i;
        double seconds = Measure(world, n, () => world.Allreduce(send, Operation<double>.Add, ref receive));
        if (receive[count - 1] != 2 * (count - 1) + 1)
            throw new InvalidOperationException($"Allreduce of {count} doubles gave {receive[count - 1]}");
        return seconds;
    }

    private static double Broadcast(Intracommunicator world, int bytes, int n)
    {
        byte[] data = new byte[bytes];
        if (world.Rank == 0)
            data[bytes - 1] = 7;
        double seconds = Measure(world, n, () => world.Broadcast(ref data, 0));
        if (data[bytes - 1] != 7)
            throw new InvalidOperationException("Broadcast did not deliver");
        return seconds;
    }
}

/// <summary>A value that is not unmanaged (it holds a string), so it travels serialized.</summary>
[Serializable]
public struct Particle
{
    /// <summary>A name.</summary>
    public string Name;

    /// <summary>Coordinates.</summary>
    public double X, Y, Z;
}

#if MPINET_PACKAGE
/// <summary>
/// System.Text.Json behind MPI.NET's ISerializer (fields included, as BinaryFormatter did). MPI.NET
/// hands the serializer a chunked stream that has no length and does not end with the message, so
/// the bytes are framed with their length.
/// </summary>
internal sealed class JsonSerializerForMpiNet : ISerializer
{
    private static readonly JsonSerializerOptions Options = new() { IncludeFields = true };

    public void Serialize<T>(Stream stream, T value)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(value, Options);
        stream.Write(BitConverter.GetBytes(bytes.Length), 0, 4);
        stream.Write(bytes, 0, bytes.Length);
    }

    public T Deserialize<T>(Stream stream)
    {
        byte[] header = new byte[4];
        Fill(stream, header);
        byte[] bytes = new byte[BitConverter.ToInt32(header, 0)];
        Fill(stream, bytes);
        return JsonSerializer.Deserialize<T>(bytes, Options);
    }

    private static void Fill(Stream stream, byte[] buffer)
    {
        for (int at = 0; at < buffer.Length;)
        {
            int n = stream.Read(buffer, at, buffer.Length - at);
            if (n <= 0)
                throw new EndOfStreamException("the serialized value ended early");
            at += n;
        }
    }
}
#endif
