namespace Hpc.Launcher;

/// <summary>
/// Collects hosts in first-seen order, merging repeats the way Open MPI does: the slots of every
/// mention add up, and a max_slots may be given once per host.
/// </summary>
internal sealed class HostTable
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, (int Slots, int? MaxSlots)> _hosts = new(StringComparer.Ordinal);

    /// <summary>Number of distinct hosts.</summary>
    public int Count => _order.Count;

    /// <summary>Adds <paramref name="slots"/> to <paramref name="name"/>; <paramref name="error"/> builds the message for a conflict.</summary>
    public void Add(string name, int slots, int? maxSlots, Func<string, UsageException> error)
    {
        if (!_hosts.TryGetValue(name, out (int Slots, int? MaxSlots) seen))
        {
            _order.Add(name);
            _hosts[name] = (slots, maxSlots);
            return;
        }
        if (maxSlots is not null && seen.MaxSlots is not null)
            throw error($"max_slots given twice for host '{name}'");
        int total = checked(seen.Slots + slots);
        int? bound = maxSlots ?? seen.MaxSlots;
        if (bound is int m && m < total)
            throw error($"host '{name}' has {total} slots in all, above its max_slots={m}");
        _hosts[name] = (total, bound);
    }

    /// <summary>The hosts in the order they were first mentioned.</summary>
    public IReadOnlyList<HostSlots> ToList() =>
        [.. _order.Select(name => new HostSlots(name, _hosts[name].Slots, _hosts[name].MaxSlots))];
}
