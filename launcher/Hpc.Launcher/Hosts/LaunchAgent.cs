using System.Text;

namespace Hpc.Launcher;

/// <summary>
/// The command that starts a program on another host: an rsh-style agent run as
/// <c>AGENT HOST COMMAND...</c> (ssh by default, like Open MPI's rsh/ssh launcher), or Slurm's
/// <c>srun</c> inside an allocation, which is told the host with <c>--nodelist</c>.
/// </summary>
/// <remarks>
/// ssh joins its arguments and hands them to the remote user's shell, so for an rsh-style agent
/// every word that a POSIX shell would change is single-quoted. srun executes the words itself
/// and gets them unquoted.
/// </remarks>
internal sealed record LaunchAgent(IReadOnlyList<string> Words, bool IsSrun)
{
    /// <summary>The agent used when none is given and no Slurm allocation applies.</summary>
    public static LaunchAgent Ssh { get; } = new(["ssh"], IsSrun: false);

    /// <summary>srun starting one task of its own step on one node of the allocation.</summary>
    public static LaunchAgent Srun(string srunPath) =>
        new([srunPath, "--nodes=1", "--ntasks=1", "--cpu-bind=none", "--mpi=none"], IsSrun: true);

    /// <summary>Parses <c>--launch-agent CMD</c>: the agent program, then its own options, split at white space.</summary>
    /// <exception cref="UsageException">CMD is blank.</exception>
    public static LaunchAgent Parse(string command)
    {
        string[] words = command.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            throw new UsageException($"--launch-agent expects a command such as ssh (got '{command}')");
        bool isSrun = Path.GetFileName(words[0]) == "srun";
        return new LaunchAgent(words, isSrun);
    }

    /// <summary>The full argv that runs <paramref name="command"/> on <paramref name="host"/>.</summary>
    public IReadOnlyList<string> CommandFor(string host, IReadOnlyList<string> command) =>
        IsSrun
            ? [.. Words, "--nodelist=" + host, .. command]
            : [.. Words, host, .. command.Select(QuoteForShell)];

    /// <summary>The word unchanged when a POSIX shell would keep it as is, else single-quoted.</summary>
    public static string QuoteForShell(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "_-./:=@%+,".Contains(c)))
            return word;
        var quoted = new StringBuilder("'");
        foreach (char c in word)
            quoted.Append(c == '\'' ? "'\\''" : c.ToString());
        return quoted.Append('\'').ToString();
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(' ', Words);
}
