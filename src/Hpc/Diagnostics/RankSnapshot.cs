using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hpc.Diagnostics;

/// <summary>
/// What identifies a collective call across ranks: MPI requires every rank of the communicator to
/// make the same call, so ranks whose fingerprints differ at one sequence number have diverged.
/// </summary>
/// <param name="Kind">The collective, e.g. <c>Allreduce</c>.</param>
/// <param name="Count">Element count, equal on every rank; −1 for the v-forms, whose counts differ by rank.</param>
/// <param name="Type">Element type in C# spelling (<c>float</c>).</param>
/// <param name="Root">Root rank, or −1 when the collective has none.</param>
/// <param name="Op">Reduction operation (<c>sum</c>), or null.</param>
internal sealed record CollectiveFingerprint(string Kind, long Count, string Type, int Root = -1, string? Op = null)
{
    /// <summary><c>(1024 float, root 0, op sum)</c>; empty for a Barrier.</summary>
    public string Arguments
    {
        get
        {
            var parts = new List<string>(3);
            if (Kind != "Barrier")
                parts.Add(Count >= 0 ? Count.ToString(CultureInfo.InvariantCulture) + " " + Type : Type);
            if (Root >= 0)
                parts.Add("root " + Root.ToString(CultureInfo.InvariantCulture));
            if (Op is not null)
                parts.Add("op " + Op);
            return parts.Count == 0 ? "" : " (" + string.Join(", ", parts) + ")";
        }
    }
}

/// <summary>One call a rank's thread is inside, as the rank reports it to mpirun.</summary>
/// <param name="Text">The human description (<c>Receive(source=5, tag=9, count=1, Int32) on world, waiting for rank 5</c>).</param>
/// <param name="CommunicatorKey">Identifies the communicator across ranks (<see cref="CommunicatorSnapshot.Key"/>).</param>
/// <param name="Sequence">The collective's number on its communicator (1 for the first), 0 for point-to-point.</param>
/// <param name="Collective">The collective's fingerprint, null for point-to-point.</param>
/// <param name="Seconds">How long the thread has been inside the call; −1 when calls are not timed (mpirun then measures it across queries).</param>
/// <param name="Id">The thread and its call number: the same while the thread stays in this call.</param>
internal sealed record CallSnapshot(string Text, string CommunicatorKey, int Sequence, CollectiveFingerprint? Collective, double Seconds, string Id = "");

/// <summary>A communicator a rank belongs to and how many collectives it has started on it.</summary>
/// <param name="Key">Context id and lowest member: the same on every member, different for disjoint groups.</param>
/// <param name="Name">Its name (<c>world</c>, <c>split of world</c>).</param>
/// <param name="Members">World ranks of the members in communicator-rank order, as <see cref="RankRanges"/> text.</param>
/// <param name="Sequence">Number of the last collective started on it (0: none yet).</param>
internal sealed record CommunicatorSnapshot(string Key, string Name, string Members, int Sequence);

/// <summary>How mpirun found a rank when it asked.</summary>
internal enum RankCondition
{
    /// <summary>Running; it answered.</summary>
    Answered,
    /// <summary>Running, but it did not answer in time.</summary>
    NoAnswer,
    /// <summary>The process has ended.</summary>
    Exited,
    /// <summary>Never started.</summary>
    NotStarted,
}

/// <summary>
/// One rank's state for the hang and desync report: the calls its threads are in, its
/// communicators with their collective sequence numbers, and its flight recorder (the last calls
/// it made, oldest first). Travels as one JSON document from the rank to mpirun. <c>Text</c>
/// replaces the description when a rank answered in plain words (a program speaking the protocol itself).
/// </summary>
internal sealed record RankSnapshot(
    int Rank,
    RankCondition Condition,
    IReadOnlyList<CallSnapshot> Calls,
    IReadOnlyList<CommunicatorSnapshot> Communicators,
    IReadOnlyList<string> Recent,
    int ExitCode = 0,
    string? Text = null)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>A rank that did not answer, has exited or never started.</summary>
    public static RankSnapshot Silent(int rank, RankCondition condition, int exitCode = 0) => new(rank, condition, [], [], [], exitCode);

    /// <summary>The last call it made or is in, as the flight recorder has it; null when it made none.</summary>
    [JsonIgnore]
    public string? LastCall => Recent.Count == 0 ? null : Recent[^1];

    /// <summary>The one-line form, ASCII only (non-ASCII escaped), so it fits the control protocol.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Reads <see cref="ToJson"/>'s output; null when it is not a snapshot.</summary>
    public static RankSnapshot? FromJson(string json) => ControlJson.Read<RankSnapshot>(json, s_json);

    /// <summary>One line per thread in a call, or what the rank is doing otherwise.</summary>
    public string Describe()
    {
        switch (Condition)
        {
            case RankCondition.NoAnswer: return "no answer";
            case RankCondition.Exited: return $"exited with code {ExitCode}";
            case RankCondition.NotStarted: return "not started";
        }
        if (Text is not null)
            return Text;
        if (Calls.Count == 0)
            return "not inside an Hpc call (computing, or finished)";
        var text = new StringBuilder();
        foreach (CallSnapshot call in Calls)
        {
            if (text.Length > 0)
                text.Append("; ");
            text.Append(call.Text);
        }
        return text.ToString();
    }
}
