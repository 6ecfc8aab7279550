using System.Collections.Concurrent;
using Hpc.Messaging;
using System.Text;

namespace Hpc;

/// <summary>
/// Remembers, per thread, which blocking call it is in and what it waits for, so that a hung
/// job can say so plainly when mpirun's <c>--timeout</c> asks, e.g.
/// <c>Allreduce(count=1024, Single) on world, waiting for rank 5</c>. Recording is a few field
/// writes on a thread-local object; formatting happens only when asked.
/// </summary>
/// <remarks>
/// One tracker per rank (its <see cref="RankRuntime"/>), so two worlds in one process (ranks as
/// threads, or two test worlds) describe only their own threads. The thread's current record is
/// cached in a thread-static beside the tracker it belongs to: the hot path is a field compare.
/// </remarks>
internal sealed class CallTracker
{
    private readonly ConcurrentDictionary<int, CallRecord> _records = new();
    [ThreadStatic] private static CallRecord? t_record;
    [ThreadStatic] private static CallTracker? t_owner;

    private CallRecord Record
    {
        get
        {
            if (ReferenceEquals(t_owner, this))
                return t_record!;
            CallRecord record = _records.GetOrAdd(Environment.CurrentManagedThreadId, _ => new CallRecord());
            t_record = record;
            t_owner = this;
            return record;
        }
    }

    /// <summary>Marks the start of a blocking call; returns a token that ends it.</summary>
    public Scope Enter(string operation, Communicator communicator, int peer, int tag, long count, Type elementType)
    {
        CallRecord record = Record;
        if (record.Operation is not null)
            return default; // a call made inside another (a collective's sends) keeps the outer description
        record.Communicator = communicator;
        record.Peer = peer;
        record.Tag = tag;
        record.Count = count;
        record.ElementType = elementType;
        record.Operation = operation;
        return new Scope(record);
    }

    /// <summary>The thread is about to sleep on <paramref name="request"/> (inside the call its current record describes).</summary>
    public static void Waiting(Request? request)
    {
        CallRecord? record = t_record;
        if (record is not null)
            record.WaitingOn = request;
    }

    /// <summary>One line per thread of this rank that is inside a call; "computing" when none is.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (CallRecord record in _records.Values)
        {
            string? line = record.Describe();
            if (line is null)
                continue;
            if (text.Length > 0)
                text.Append("; ");
            text.Append(line);
        }
        return text.Length == 0 ? "not inside an Hpc call (computing, or finished)" : text.ToString();
    }

    /// <summary>Ends the call it was returned for.</summary>
    internal readonly struct Scope(CallRecord? record) : IDisposable
    {
        public void Dispose()
        {
            if (record is not null)
            {
                record.WaitingOn = null;
                record.Operation = null;
            }
        }
    }

    internal sealed class CallRecord
    {
        public volatile string? Operation;
        public Communicator? Communicator;
        public int Peer;
        public int Tag;
        public long Count;
        public Type? ElementType;
        public volatile Request? WaitingOn;

        public string? Describe()
        {
            string? operation = Operation;
            if (operation is null)
                return null;
            var text = new StringBuilder(operation).Append('(');
            if (Peer >= 0)
                text.Append(operation.StartsWith("Send", StringComparison.Ordinal) && operation != "SendReceive" ? "dest=" : "source=").Append(Peer).Append(", ");
            else if (Peer == Communicator.AnySource && !operation.StartsWith("Send", StringComparison.Ordinal))
                text.Append("source=any, ");
            if (Tag >= 0)
                text.Append("tag=").Append(Tag).Append(", ");
            text.Append("count=").Append(Count).Append(", ").Append(ElementType?.Name).Append(')');
            if (Communicator is not null)
                text.Append(" on ").Append(Communicator.Name);
            switch (WaitingOn)
            {
                case ReceiveRequest receive when receive.Source >= 0:
                    text.Append(", waiting for rank ").Append(receive.Source);
                    break;
                case ReceiveRequest:
                    text.Append(", waiting for any rank");
                    break;
                case SendRequest send:
                    text.Append(", waiting for world rank ").Append(send.DestinationWorldRank).Append(" to receive");
                    break;
            }
            return text.ToString();
        }
    }
}
