using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using MPI;

namespace MpiNetRank;

/// <summary>Blocking point-to-point with types that travel serialized.</summary>
internal static class SerializedPointToPointChecks
{
    public static void Run(Intracommunicator world)
    {
        int rank = world.Rank, size = world.Size;
        int next = (rank + 1) % size, prev = (rank + size - 1) % size;

        // Strings: plain, empty, null, non-ASCII, and one far beyond the inline size.
        world.Send($"hello from {rank}", next, 1);
        Check.Equal($"hello from {prev}", world.Receive<string>(prev, 1), "string");
        world.Send("", next, 2);
        Check.Equal("", world.Receive<string>(prev, 2), "empty string");
        world.Send((string)null, next, 3);
        Check.Equal(null, world.Receive<string>(prev, 3), "null string");
        world.Send("grüße, 世界 🌍", next, 4);
        Check.Equal("grüße, 世界 🌍", world.Receive<string>(prev, 4), "non-ASCII string");
        string large = new string((char)('a' + rank % 26), 300_000);
        world.Send(large, next, 5);
        world.Receive(prev, 5, out string largeIn, out CompletedStatus status);
        Check.Equal(300_000, largeIn.Length, "300,000-character string length");
        Check.True(largeIn.All(c => c == (char)('a' + prev % 26)), "300,000-character string content");
        Check.Equal(prev, status.Source, "large string status.Source");
        Check.Equal(1, status.Count(), "a serialized value counts 1");

        // Objects: a [Serializable] class with private fields, a record, a class with a dictionary,
        // a struct holding a string, a nullable, a BigInteger, a polymorphic [JsonDerivedType] hierarchy.
        var particle = new Particle($"p{rank}", [rank, rank * 2.0], rank);
        world.Send(particle, next, 6);
        Particle received = world.Receive<Particle>(prev, 6);
        Check.Equal(new Particle($"p{prev}", [prev, prev * 2.0], prev), received, "[Serializable] Particle with private fields");
        Check.Equal(0, received.Scratch, "[NonSerialized] field is not sent");
        world.Send(new Message("m", rank, [rank, next]), next, 7);
        Message message = world.Receive<Message>(prev, 7);
        Check.True(message.Text == "m" && message.From == prev && message.Path.SequenceEqual([prev, rank]), "record with a List");
        world.Send(new Inventory { Owner = $"r{rank}", Counts = { ["apples"] = rank, ["pears"] = 2 } }, next, 8);
        Inventory inventory = world.Receive<Inventory>(prev, 8);
        Check.True(inventory.Owner == $"r{prev}" && inventory.Counts["apples"] == prev && inventory.Counts["pears"] == 2, "class with a Dictionary");
        world.Send(new Labeled { Label = "x", Value = rank }, next, 9);
        Labeled labeled = world.Receive<Labeled>(prev, 9);
        Check.True(labeled.Label == "x" && labeled.Value == prev, "struct holding a string");
        world.Send<int?>(rank % 2 == 0 ? rank : null, next, 10);
        Check.Equal(prev % 2 == 0 ? prev : null, world.Receive<int?>(prev, 10), "int?");
        world.Send(BigInteger.Pow(10, 40) + rank, next, 11);
        Check.Equal(BigInteger.Pow(10, 40) + prev, world.Receive<BigInteger>(prev, 11), "BigInteger");
        world.Send<Shape>(rank % 2 == 0 ? new Circle { Radius = rank } : new Square { Side = rank }, next, 12);
        Shape shape = world.Receive<Shape>(prev, 12);
        Check.True(prev % 2 == 0 ? shape is Circle { Radius: var r } && r == prev : shape is Square { Side: var s } && s == prev, "[JsonDerivedType] polymorphism");

        // Arrays of strings: Receive(ref T[]) replaces the array.
        world.Send(Enumerable.Range(0, rank + 1).Select(i => $"s{i}").ToArray(), next, 13);
        string[] strings = new string[1];
        world.Receive(prev, 13, ref strings, out status);
        Check.Sequence(Enumerable.Range(0, prev + 1).Select(i => $"s{i}"), strings, "string[]");
        Check.Equal(prev + 1, status.Count(), "string[] status.Count()");
        world.Send(new List<double> { rank, 0.5 }, next, 14);
        Check.Sequence(new[] { prev, 0.5 }, world.Receive<List<double>>(prev, 14), "List<double>");

        // AnySource/AnyTag and the status of a serialized receive.
        world.Send($"any {rank}", next, 200 + rank);
        world.Receive(Communicator.anySource, Communicator.anyTag, out string anyText, out status);
        Check.Equal($"any {prev}", anyText, "string from anySource");
        Check.Equal(prev, status.Source, "serialized anySource status.Source");
        Check.Equal(200 + prev, status.Tag, "serialized anyTag status.Tag");
        world.Barrier(); // later messages (any tag) must not race the wildcard receive

        // SendReceive.
        int partner = (rank ^ 1) < size ? rank ^ 1 : rank;
        world.SendReceive($"to {partner}", partner, 15, out string back);
        Check.Equal($"to {rank}", back, "SendReceive(string, partner)");
        world.SendReceive(large, next, 16, prev, 16, out string largeBack, out status);
        Check.True(largeBack.Length == 300_000 && largeBack[0] == (char)('a' + prev % 26), "SendReceive of a large string");
        string[] names = null;
        world.SendReceive(new[] { "a", $"{rank}" }, next, 17, prev, 17, ref names, out status);
        Check.Sequence(new[] { "a", $"{prev}" }, names, "SendReceive(string[])");
        Check.Equal(2, status.Count(), "SendReceive(string[]) status.Count()");

        // Probe sees a serialized message like any other.
        world.Send("probe me", next, 18);
        Status probed = world.Probe(prev, 18);
        Check.Equal(prev, probed.Source, "Probe of a serialized message");
        Check.Equal(null, probed.Count(typeof(string)), "Count(typeof(string)) is null");
        Check.Equal("probe me", world.Receive<string>(probed.Source, probed.Tag), "receive after Probe");

        // Sending a large object to yourself does not deadlock.
        Communicator.self.Send(large, 0, 19);
        Check.Equal(large, Communicator.self.Receive<string>(0, 19), "large string to self");

        // A type mismatch is reported, not misread.
        Communicator.self.Send(42, 0, 20);
        var mismatch = Check.Throws<InvalidOperationException>(() => Communicator.self.Receive<string>(0, 20), "int sent, string received");
        Check.True(mismatch.Message.Contains("same type"), $"mismatch message: {mismatch.Message}");
        world.Barrier();
    }
}
