using Xunit;

namespace Hpc.Tests.Collectives;

/// <summary>Communicator attributes (MPI keyvals): set, get, delete, copy on Dup, delete on Dispose.</summary>
public class AttributeTests
{
    private sealed class Buffer(string text)
    {
        public string Text = text;
    }

    [Fact]
    public void SetGetReplaceAndDeleteCallTheDeleteCallback() => InProcessWorld.Run(2, world =>
    {
        var deleted = new List<int>();
        var key = new AttributeKey<int>(delete: (comm, value) => deleted.Add(value));
        using Communicator comm = world.Dup();
        Assert.False(comm.TryGetAttribute(key, out _));
        comm.SetAttribute(key, 5);
        Assert.True(comm.TryGetAttribute(key, out int value));
        Assert.Equal(5, value);
        comm.SetAttribute(key, 6);
        Assert.Equal([5], deleted);
        Assert.True(comm.DeleteAttribute(key));
        Assert.False(comm.DeleteAttribute(key));
        Assert.Equal([5, 6], deleted);
        Assert.False(comm.TryGetAttribute(key, out _));
        // Local: another communicator has its own values.
        Assert.False(world.TryGetAttribute(key, out _));
    });

    [Fact]
    public void DupCopiesThroughEachKeysCopierAndDisposeDeletes() => InProcessWorld.Run(3, world =>
    {
        var deletes = new List<string>();
        var notCopied = new AttributeKey<int>(name: "none");
        var shared = new AttributeKey<Buffer>(AttributeKey<Buffer>.Duplicate, (c, b) => deletes.Add("shared " + b.Text));
        var deep = new AttributeKey<Buffer>((Communicator source, Buffer b, out Buffer copy) =>
        {
            copy = new Buffer(b.Text + $" copied from {source.Size} ranks");
            return true;
        }, (c, b) => deletes.Add("deep " + b.Text));
        var onlyRankZero = new AttributeKey<int>((Communicator source, int v, out int copy) =>
        {
            copy = v;
            return source.Rank == 0;
        });

        Communicator parent = world.Dup();
        parent.SetAttribute(notCopied, 1);
        parent.SetAttribute(shared, new Buffer("s"));
        parent.SetAttribute(deep, new Buffer("d"));
        parent.SetAttribute(onlyRankZero, 9);
        Communicator child = parent.Dup();

        Assert.False(child.TryGetAttribute(notCopied, out _));
        Assert.True(child.TryGetAttribute(shared, out Buffer? s));
        Assert.True(parent.TryGetAttribute(shared, out Buffer? ps));
        Assert.Same(ps, s);
        Assert.True(child.TryGetAttribute(deep, out Buffer? d));
        Assert.Equal("d copied from 3 ranks", d!.Text);
        Assert.Equal(world.Rank == 0, child.TryGetAttribute(onlyRankZero, out _));

        child.Dispose();
        Assert.Equal(["shared s", "deep d copied from 3 ranks"], deletes.Order().Reverse());
        parent.Dispose();
        Assert.Equal(4, deletes.Count);
        Assert.Throws<ObjectDisposedException>(() => parent.SetAttribute(notCopied, 2));
    });
}
