using System.Runtime.Serialization;
using MPI;

namespace MpiNetRank;

/// <summary>Types the serializer cannot handle fail on the sender with a message naming the type.</summary>
internal static class SerializerErrorChecks
{
    public static void Run(Intracommunicator world)
    {
        var cycle = new Node { Name = "a" };
        cycle.Next = cycle;
        var error = Check.Throws<SerializationException>(() => Communicator.self.Send(cycle, 0, 1), "sending an object cycle");
        Check.True(error.Message.Contains("Node") && error.Message.Contains("cycle"), $"the error names the type and the cause: {error.Message}");
        error = Check.Throws<SerializationException>(() => Communicator.self.Send(new WithCallback(), 0, 2), "sending a delegate");
        Check.True(error.Message.Contains("WithCallback"), $"the error names the type: {error.Message}");
        error = Check.Throws<SerializationException>(() => Communicator.self.Send(new int[2, 2], 0, 3), "sending a 2-D array");
        Check.True(error.Message.Contains("int[,]"), $"the error names the type: {error.Message}");
        Check.True(Communicator.self.ImmediateProbe(Communicator.anySource, Communicator.anyTag) is null, "nothing was sent");
        world.Barrier();
    }
}
