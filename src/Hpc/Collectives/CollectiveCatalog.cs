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

    /// <summary>What every entry is built from: a collective, its configuration name and its algorithm enum.</summary>
    private sealed record Kind(Collective Collective, string Name, Type AlgorithmType);

    private static readonly Kind[] s_kinds =
    [
        new(Collective.Allreduce, "allreduce", typeof(AllreduceAlgorithm)),
        new(Collective.Broadcast, "bcast", typeof(BroadcastAlgorithm)),
        new(Collective.Reduce, "reduce", typeof(ReduceAlgorithm)),
        new(Collective.Gather, "gather", typeof(GatherAlgorithm)),
        new(Collective.Scatter, "scatter", typeof(ScatterAlgorithm)),
        new(Collective.Allgather, "allgather", typeof(AllgatherAlgorithm)),
        new(Collective.Alltoall, "alltoall", typeof(AlltoallAlgorithm)),
        new(Collective.ReduceScatter, "reduce_scatter", typeof(ReduceScatterAlgorithm)),
        new(Collective.Barrier, "barrier", typeof(BarrierAlgorithm)),
    ];

    /// <summary>
    /// Each entry is made on its first use. Reading an enum's members and attributes by reflection
    /// cost every rank ~18 ms of CPU in Mpi.Init when all nine were made at once (perf, np 8), and
    /// a job that names no algorithm (no <c>HPC_COLL</c>, no tuning file, no forced algorithm)
    /// needs none of them: the selection table works on enum values.
    /// </summary>
    private static readonly Entry?[] s_entries = new Entry?[s_kinds.Length];

    /// <summary>Number of collectives (values of <see cref="Hpc.Collective"/>).</summary>
    public static int Count => s_kinds.Length;

    public static Entry Of(Collective collective)
    {
        int index = (int)collective;
        return Volatile.Read(ref s_entries[index]) ?? Publish(index);
    }

    private static Entry Publish(int index)
    {
        Entry made = Make(s_kinds[index]);
        return Interlocked.CompareExchange(ref s_entries[index], made, null) ?? made;
    }

    /// <summary>The configuration name of <paramref name="collective"/> ("allreduce", "bcast", …).</summary>
    public static string NameOf(Collective collective) => s_kinds[(int)collective].Name;

    /// <summary>The collective whose algorithm enum is <paramref name="algorithmType"/>.</summary>
    public static Collective CollectiveOf(Type algorithmType)
    {
        foreach (Kind kind in s_kinds)
        {
            if (kind.AlgorithmType == algorithmType)
                return kind.Collective;
        }
        throw new ArgumentException($"{algorithmType.Name} is not a collective algorithm enum", nameof(algorithmType));
    }

    public static Entry OfAlgorithmType(Type algorithmType) => Of(CollectiveOf(algorithmType));

    /// <summary>Looks a collective up by its configuration name ("broadcast" is accepted for "bcast").</summary>
    /// <exception cref="FormatException">Unknown name; the message lists the valid ones.</exception>
    public static Entry Parse(string name)
    {
        string key = name.Trim().ToLowerInvariant();
        if (key == "broadcast")
            key = "bcast";
        foreach (Kind kind in s_kinds)
        {
            if (kind.Name == key)
                return Of(kind.Collective);
        }
        throw new FormatException($"unknown collective '{name}'; valid: {string.Join(", ", s_kinds.Select(k => k.Name))}");
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

    private static Entry Make(Kind kind)
    {
        Type algorithmType = kind.AlgorithmType;
        // Enum values are 0 (Auto), 1, 2, … in declaration order, so the name array is indexed by value.
        object[] values = [.. Enum.GetValues(algorithmType).Cast<object>().OrderBy(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture))];
        string[] names = [.. values.Select(v => SnakeCase(v.ToString()!))];
        bool[] sharedAreaOnly = [.. values.Select(v => algorithmType.GetField(v.ToString()!)!.IsDefined(typeof(NeedsSharedAreaAttribute), inherit: false))];
        bool[] nodeAware = [.. values.Select(v => algorithmType.GetField(v.ToString()!)!.IsDefined(typeof(NodeAwareAttribute), inherit: false))];
        return new Entry(kind.Collective, kind.Name, algorithmType, names, sharedAreaOnly, nodeAware);
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
