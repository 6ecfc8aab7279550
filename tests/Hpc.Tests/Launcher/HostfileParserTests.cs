using Hpc.Launcher;
using Xunit;

namespace Hpc.Tests.Launcher;

public class HostfileParserTests
{
    [Fact]
    public void ReadsHostsSlotsAndMaxSlotsIgnoringCommentsAndBlankLines()
    {
        const string text = """
            # a cluster
            node01 slots=4            # a 4-core machine

            node02 slots=4 max_slots=8
            192.168.1.20
            	node03	slots=2
            # localhost slots=8
            """;
        IReadOnlyList<HostSlots> hosts = HostfileParser.Parse(text, "hosts.txt");
        Assert.Equal(
            [new HostSlots("node01", 4), new HostSlots("node02", 4, 8), new HostSlots("192.168.1.20", 1), new HostSlots("node03", 2)],
            hosts);
    }

    [Fact]
    public void TheExampleHostfileOfTheRepositoryParses()
    {
        string path = Path.Combine(RepositoryRoot(), "hostfile.example");
        IReadOnlyList<HostSlots> hosts = HostfileParser.Load(path);
        Assert.Equal(["node01", "node02", "192.168.1.20"], hosts.Select(h => h.Name));
    }

    [Fact]
    public void AHostOnSeveralLinesGetsTheSumOfItsSlots()
    {
        IReadOnlyList<HostSlots> hosts = HostfileParser.Parse("a slots=2\nb\na slots=3 max_slots=6\n", "f");
        Assert.Equal([new HostSlots("a", 5, 6), new HostSlots("b", 1)], hosts);
    }

    [Theory]
    [InlineData("node1 slots=2\n\nnode2 slot=2\n", "hostfile hosts.txt line 3: unknown keyword 'slot=2' (expected slots=N or max_slots=M)")]
    [InlineData("node1 slots=two\n", "hostfile hosts.txt line 1: slots expects a whole number of at least 1 (got 'slots=two')")]
    [InlineData("node1 slots=0\n", "hostfile hosts.txt line 1: slots expects a whole number of at least 1 (got 'slots=0')")]
    [InlineData("node1 slots=-1\n", "hostfile hosts.txt line 1: slots expects a whole number of at least 1 (got 'slots=-1')")]
    [InlineData("node1 slots=\n", "hostfile hosts.txt line 1: slots expects a whole number of at least 1 (got 'slots=')")]
    [InlineData("# c\nnode1 max_slots=x\n", "hostfile hosts.txt line 2: max_slots expects a whole number of at least 1 (got 'max_slots=x')")]
    [InlineData("node1 slots=4 max_slots=2\n", "hostfile hosts.txt line 1: max_slots=2 is below slots=4")]
    [InlineData("slots=4\n", "hostfile hosts.txt line 1: expected a host name first, got 'slots=4'")]
    [InlineData("a max_slots=2\na max_slots=3\n", "hostfile hosts.txt line 2: max_slots given twice for host 'a'")]
    [InlineData("a slots=2 max_slots=2\na\n", "hostfile hosts.txt line 2: host 'a' has 3 slots in all, above its max_slots=2")]
    [InlineData("# nothing\n\n", "hostfile hosts.txt lists no hosts")]
    [InlineData("node1 cpus=4\n", "hostfile hosts.txt line 1: unknown keyword 'cpus=4' (expected slots=N or max_slots=M)")]
    public void ErrorsNameTheFileAndTheLine(string text, string message)
    {
        var error = Assert.Throws<UsageException>(() => HostfileParser.Parse(text, "hosts.txt"));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var error = Assert.Throws<UsageException>(() => HostfileParser.Load("/nonexistent/hosts.txt"));
        Assert.Equal("hostfile '/nonexistent/hosts.txt' not found", error.Message);
    }

    [Fact]
    public void WindowsLineEndingsAreAccepted()
    {
        Assert.Equal([new HostSlots("a", 2), new HostSlots("b", 1)], HostfileParser.Parse("a slots=2\r\nb\r\n", "f"));
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hpc.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Hpc.sln not found above " + AppContext.BaseDirectory);
    }
}
