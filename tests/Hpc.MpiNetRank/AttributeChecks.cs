using System;
using MPI;

namespace MpiNetRank;

/// <summary>MPI.NET attributes (what MPI.NET's AttributesTest checks): values per communicator and how Clone copies them.</summary>
internal static class AttributeChecks
{
    private struct Triple(double x, double y, double z)
    {
        public double X = x, Y = y, Z = z;
    }

    private sealed class Holder(string text) : ICloneable
    {
        public string Text = text;

        public object Clone() => new Holder(Text);
    }

    public static void Run(Intracommunicator world)
    {
        var parent = (Intracommunicator)world.Clone();
        MPI.Attribute noneInt = MPI.Attribute.Create<int>(AttributeDuplication.None);
        MPI.Attribute shallowInt = MPI.Attribute.Create<int>(AttributeDuplication.Shallow);
        MPI.Attribute deepInt = MPI.Attribute.Create<int>(AttributeDuplication.Deep);
        MPI.Attribute noneTriple = MPI.Attribute.Create<Triple>(AttributeDuplication.None);
        MPI.Attribute shallowTriple = MPI.Attribute.Create<Triple>(AttributeDuplication.Shallow);
        MPI.Attribute deepTriple = MPI.Attribute.Create<Triple>(AttributeDuplication.Deep);
        MPI.Attribute shallowHolder = MPI.Attribute.Create<Holder>(AttributeDuplication.Shallow);
        MPI.Attribute deepHolder = MPI.Attribute.Create<Holder>(AttributeDuplication.Deep);

        Check.True(parent.Attributes[noneInt] is null, "an attribute never set is null");
        parent.Attributes[noneInt] = 1 + world.Rank;
        parent.Attributes[shallowInt] = 2;
        parent.Attributes[deepInt] = 3;
        parent.Attributes[noneTriple] = new Triple(1, 1, 1);
        parent.Attributes[shallowTriple] = new Triple(2, 2, 2);
        parent.Attributes[deepTriple] = new Triple(3, 3, 3);
        parent.Attributes[shallowHolder] = new Holder("shared");
        parent.Attributes[deepHolder] = new Holder("own");
        Check.Equal(1 + world.Rank, (int)parent.Attributes[noneInt], "attributes are per process");
        Check.Throws<ArgumentException>(() => parent.Attributes[deepInt] = "text", "a value of another type");

        var child = (Communicator)parent.Clone();
        Check.True(child.Attributes[noneInt] is null && child.Attributes[noneTriple] is null, "None is not copied");
        Check.Equal(2, (int)child.Attributes[shallowInt], "Shallow int copied");
        Check.Equal(3, (int)child.Attributes[deepInt], "Deep int copied");
        Check.Equal(new Triple(2, 2, 2), (Triple)child.Attributes[shallowTriple], "Shallow struct copied");
        Check.Equal(new Triple(3, 3, 3), (Triple)child.Attributes[deepTriple], "Deep struct copied");
        Check.True(ReferenceEquals(parent.Attributes[shallowHolder], child.Attributes[shallowHolder]), "Shallow class: the same object");
        Check.True(!ReferenceEquals(parent.Attributes[deepHolder], child.Attributes[deepHolder]), "Deep class: a clone");

        // Changing the parent afterwards: MPI.NET's rules.
        parent.Attributes[shallowInt] = 20;
        Check.Equal(2, (int)child.Attributes[shallowInt], "a small shallow value is the clone's own");
        parent.Attributes[shallowTriple] = new Triple(4, 4, 4);
        Check.Equal(new Triple(4, 4, 4), (Triple)child.Attributes[shallowTriple], "a large shallow value is shared");
        parent.Attributes[deepTriple] = new Triple(5, 5, 5);
        Check.Equal(new Triple(3, 3, 3), (Triple)child.Attributes[deepTriple], "a deep value is the clone's own");
        ((Holder)parent.Attributes[shallowHolder]).Text = "changed";
        Check.Equal("changed", ((Holder)child.Attributes[shallowHolder]).Text, "a shallow object is shared");
        ((Holder)parent.Attributes[deepHolder]).Text = "changed";
        Check.Equal("own", ((Holder)child.Attributes[deepHolder]).Text, "a deep object is cloned");

        parent.Attributes.Remove(shallowTriple);
        Check.True(parent.Attributes[shallowTriple] is null, "Remove");
        Check.Equal(new Triple(4, 4, 4), (Triple)child.Attributes[shallowTriple], "Remove leaves the clone's value");
        parent.Attributes.Remove(shallowTriple);
        child.Dispose();
        parent.Dispose();
    }
}
