using System.Globalization;
using System.Text;

namespace Hpc.Launcher;

/// <summary>
/// The hosts of the Slurm allocation mpirun runs in, read from the variables Slurm sets for a
/// job: <c>SLURM_JOB_NODELIST</c> (compressed node names such as <c>node[01-03,07]</c>),
/// <c>SLURM_TASKS_PER_NODE</c> (slot counts such as <c>2(x3),1</c>) and <c>SLURM_NTASKS</c>
/// (the default number of ranks).
/// </summary>
internal static class SlurmAllocation
{
    /// <summary>Compressed list of the allocation's nodes.</summary>
    public const string NodeListVariable = "SLURM_JOB_NODELIST";
    /// <summary>Slots per node, in node-list order.</summary>
    public const string TasksPerNodeVariable = "SLURM_TASKS_PER_NODE";
    /// <summary>Number of tasks the allocation was made for.</summary>
    public const string TasksVariable = "SLURM_NTASKS";

    /// <summary>
    /// The allocation's hosts and task count, or null outside an allocation. Without
    /// <c>SLURM_TASKS_PER_NODE</c> every node has one slot.
    /// </summary>
    /// <exception cref="UsageException">A variable is malformed; the message names it.</exception>
    public static (IReadOnlyList<HostSlots> Hosts, int? Tasks)? Read(Func<string, string?> lookup)
    {
        string? nodeList = lookup(NodeListVariable);
        if (string.IsNullOrWhiteSpace(nodeList))
            return null;
        IReadOnlyList<string> nodes = ExpandNodeList(nodeList);

        int[] slots;
        if (lookup(TasksPerNodeVariable) is { Length: > 0 } perNode)
        {
            slots = [.. ExpandTasksPerNode(perNode)];
            if (slots.Length != nodes.Count)
                throw new UsageException($"{TasksPerNodeVariable}='{perNode}' gives {slots.Length} counts for the {nodes.Count} nodes of {NodeListVariable}='{nodeList}'");
        }
        else
        {
            slots = [.. Enumerable.Repeat(1, nodes.Count)];
        }

        int? tasks = null;
        if (lookup(TasksVariable) is { Length: > 0 } tasksText)
        {
            if (!int.TryParse(tasksText, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw new UsageException($"{TasksVariable}='{tasksText}' is not a whole number of at least 1");
            tasks = n;
        }

        var hosts = new HostTable();
        for (int i = 0; i < nodes.Count; i++)
            hosts.Add(nodes[i], slots[i], null, what => new UsageException($"{NodeListVariable}='{nodeList}': {what}"));
        return (hosts.ToList(), tasks);
    }

    /// <summary>
    /// Expands Slurm's compressed host list: <c>node[01-03,07]</c> is node01, node02, node03,
    /// node07; <c>a[1-2],b3</c> is a1, a2, b3. A range keeps the width of its lower bound
    /// (<c>[08-10]</c> is 08, 09, 10); several bracket groups in one name multiply out.
    /// </summary>
    /// <exception cref="UsageException">The list is malformed.</exception>
    public static IReadOnlyList<string> ExpandNodeList(string list)
    {
        var result = new List<string>();
        foreach (string name in SplitTopLevel(list, list))
            result.AddRange(ExpandName(name, list));
        return result;
    }

    /// <summary>Expands <c>2(x3),1</c> to 2, 2, 2, 1.</summary>
    /// <exception cref="UsageException">The text is malformed.</exception>
    public static IReadOnlyList<int> ExpandTasksPerNode(string text)
    {
        var result = new List<int>();
        UsageException Bad() => new($"{TasksPerNodeVariable}='{text}' is malformed (expected e.g. 2(x3),1)");
        foreach (string part in text.Split(','))
        {
            string item = part.Trim();
            int repeat = 1;
            int paren = item.IndexOf('(');
            if (paren >= 0)
            {
                if (!item.EndsWith(')') || item.Length < paren + 4 || item[paren + 1] != 'x'
                    || !int.TryParse(item.AsSpan(paren + 2, item.Length - paren - 3), NumberStyles.None, CultureInfo.InvariantCulture, out repeat)
                    || repeat < 1)
                    throw Bad();
                item = item[..paren];
            }
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
                throw Bad();
            for (int i = 0; i < repeat; i++)
                result.Add(count);
        }
        return result;
    }

    /// <summary>Splits at commas outside brackets.</summary>
    private static List<string> SplitTopLevel(string text, string whole)
    {
        var parts = new List<string>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '[')
                depth++;
            else if (c == ']' && --depth < 0)
                throw Malformed(whole);
            else if (c == ',' && depth == 0)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        if (depth != 0)
            throw Malformed(whole);
        parts.Add(text[start..]);
        foreach (string part in parts)
        {
            if (part.Trim().Length == 0)
                throw Malformed(whole);
        }
        return [.. parts.Select(p => p.Trim())];
    }

    private static IEnumerable<string> ExpandName(string name, string whole)
    {
        int open = name.IndexOf('[');
        if (open < 0)
            return [name];
        int close = name.IndexOf(']', open);
        if (close < 0)
            throw Malformed(whole);
        string prefix = name[..open];
        string ranges = name[(open + 1)..close];
        string suffix = name[(close + 1)..];

        var values = new List<string>();
        foreach (string range in ranges.Split(','))
        {
            int dash = range.IndexOf('-');
            string low = dash < 0 ? range : range[..dash];
            string high = dash < 0 ? range : range[(dash + 1)..];
            if (!IsDigits(low) || !IsDigits(high)
                || !long.TryParse(low, NumberStyles.None, CultureInfo.InvariantCulture, out long from)
                || !long.TryParse(high, NumberStyles.None, CultureInfo.InvariantCulture, out long to)
                || to < from || to - from > 100_000)
                throw Malformed(whole);
            for (long n = from; n <= to; n++)
                values.Add(n.ToString(CultureInfo.InvariantCulture).PadLeft(low.Length, '0'));
        }
        var expanded = new List<string>();
        foreach (string value in values)
        {
            foreach (string rest in ExpandName(suffix, whole))
                expanded.Add(new StringBuilder(prefix).Append(value).Append(rest).ToString());
        }
        return expanded;
    }

    private static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    private static UsageException Malformed(string list) =>
        new($"{NodeListVariable}='{list}' is not a Slurm host list (expected e.g. node[01-03,07])");
}
