namespace Hpc.Collectives;

/// <summary>
/// The names the outside world uses for collectives and their algorithms (HPC_COLL, tuning
/// files, <c>--algorithm</c> options): collective names as in Open MPI's coll/tuned
/// ("bcast", "reduce_scatter"), algorithm names in snake_case of the enum members
/// (<see cref="AllreduceAlgorithm.RecursiveDoubling"/> is "recursive_doubling"). Algorithm value
/// 0 is always Auto ("auto").
/// </summary>
internal static class CollectiveCatalog
{
    public sealed record Entry(Collective Collective, string Name, Type AlgorithmType, string[] AlgorithmNames, bool[] SharedAreaOnly, bool[] NodeAwareOnly)
    {
        /// <summary>Whether algorithm value <paramref name="algorithm"/> runs only on a shared collective area (<see cref="NeedsSharedAreaAttribute"/>).</summary>
        public bool NeedsSharedArea(int algorithm) => (uint)algorithm < (uint)SharedAreaOnly.Length && SharedAreaOnly[algorithm];

        /// <summary>Whether algorithm value <paramref name="algorithm"/> is node-aware (<see cref="NodeAwareAttribute"/>).</summary>
        public bool IsNodeAware(int algorithm) => (uint)algorithm < (uint)NodeAwareOnly.Length && NodeAwareOnly[algorithm];

        /// <summary>Concrete algorithm names, without "auto", for error messages.</summary>
        public string ValidList => string.Join(", ", AlgorithmNames.Skip(1));
    }

    private static readonly Entry[] s_entries =
    [
        Make(Collective.Allreduce, "allreduce", typeof(AllreduceAlgorithm)),
        Make(Collective.Broadcast, "bcast", typeof(BroadcastAlgorithm)),
        Make(Collective.Reduce, "reduce", typeof(ReduceAlgorithm)),
        Make(Collective.Gather, "gather", typeof(GatherAlgorithm)),
        Make(Collective.Scatter, "scatter", typeof(ScatterAlgorithm)),
        Make(Collective.Allgather, "allgather", typeof(AllgatherAlgorithm)),
        Make(Collective.Alltoall, "alltoall", typeof(AlltoallAlgorithm)),
        Make(Collective.ReduceScatter, "reduce_scatter", typeof(ReduceScatterAlgorithm)),
        Make(Collective.Barrier, "barrier", typeof(BarrierAlgorithm)),
    ];

    public static IReadOnlyList<Entry> All => s_entries;

    public static Entry Of(Collective collective) => s_entries[(int)collective];

    public static Entry OfAlgorithmType(Type algorithmType) =>
        s_entries.FirstOrDefault(e => e.AlgorithmType == algorithmType)
        ?? throw new ArgumentException($"{algorithmType.Name} is not a collective algorithm enum", nameof(algorithmType));

    /// <summary>Looks a collective up by its configuration name ("broadcast" is accepted for "bcast").</summary>
    /// <exception cref="FormatException">Unknown name; the message lists the valid ones.</exception>
    public static Entry Parse(string name)
    {
        string key = name.Trim().ToLowerInvariant();
        if (key == "broadcast")
            key = "bcast";
        return s_entries.FirstOrDefault(e => e.Name == key)
            ?? throw new FormatException($"unknown collective '{name}'; valid: {string.Join(", ", s_entries.Select(e => e.Name))}");
    }

    /// <summary>Algorithm value (index into <see cref="Entry.AlgorithmNames"/>) for <paramref name="name"/>.</summary>
    /// <exception cref="FormatException">Unknown name; the message lists the valid ones.</exception>
    public static int ParseAlgorithm(Entry entry, string name)
    {
        string key = name.Trim().ToLowerInvariant().Replace('-', '_');
        int index = Array.IndexOf(entry.AlgorithmNames, key);
        if (index < 0)
            throw new FormatException($"unknown {entry.Name} algorithm '{name}'; valid: {entry.ValidList}");
        return index;
    }

    private static Entry Make(Collective collective, string name, Type algorithmType)
    {
        // Enum values are 0 (Auto), 1, 2, … in declaration order, so the name array is indexed by value.
        object[] values = [.. Enum.GetValues(algorithmType).Cast<object>().OrderBy(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture))];
        string[] names = [.. values.Select(v => SnakeCase(v.ToString()!))];
        bool[] sharedAreaOnly = [.. values.Select(v => algorithmType.GetField(v.ToString()!)!.IsDefined(typeof(NeedsSharedAreaAttribute), inherit: false))];
        bool[] nodeAware = [.. values.Select(v => algorithmType.GetField(v.ToString()!)!.IsDefined(typeof(NodeAwareAttribute), inherit: false))];
        return new Entry(collective, name, algorithmType, names, sharedAreaOnly, nodeAware);
    }

    private static string SnakeCase(string pascal)
    {
        var builder = new System.Text.StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
                builder.Append('_');
            builder.Append(char.ToLowerInvariant(pascal[i]));
        }
        return builder.ToString();
    }
}
