using System.Globalization;
using Hpc.Bootstrap;

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

    /// <summary>Expands Slurm's compressed host list (<see cref="SlurmHostList.Expand"/>).</summary>
    /// <exception cref="UsageException">The list is malformed.</exception>
    public static IReadOnlyList<string> ExpandNodeList(string list)
    {
        try
        {
            return SlurmHostList.Expand(list, NodeListVariable);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Expands <c>2(x3),1</c> to 2, 2, 2, 1 (<see cref="SlurmHostList.ExpandTasksPerNode"/>).</summary>
    /// <exception cref="UsageException">The text is malformed.</exception>
    public static IReadOnlyList<int> ExpandTasksPerNode(string text)
    {
        try
        {
            return SlurmHostList.ExpandTasksPerNode(text, TasksPerNodeVariable);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
