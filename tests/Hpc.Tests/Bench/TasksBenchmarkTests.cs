using Hpc.Bench.Cli;
using Hpc.Bench.Tasks;
using Xunit;

namespace Hpc.Tests.Bench;

[Collection("TaskPool")]
public class TasksBenchmarkTests
{
    [Fact]
    public void Tasks_prints_one_row_per_case_with_tasks_per_second_second_and_makespan_last_for_uneven()
    {
        var sizes = new TaskCaseSizes { MapEmptyTasks = 2000, SubmitEmptyTasks = 300, LargeTasks = 6, LargeFloats = 1 << 16, UnevenTasks = 12, Repetitions = 1 };
        var outputs = new StringWriter[3];
        InProcessWorld.Run(3, world =>
        {
            var output = new StringWriter();
            outputs[world.Rank] = output;
            Assert.Equal(0, new TasksBenchmark(world, sizes, TasksBenchmark.CaseNames, output).Run());
        });
        string[] rows = [.. outputs[0].ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))];
        Assert.Equal(TasksBenchmark.CaseNames, rows.Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));
        foreach (string row in rows)
        {
            string[] columns = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(double.Parse(columns[1], System.Globalization.CultureInfo.InvariantCulture) > 0, row);
        }
        string[] uneven = rows[3].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, uneven.Length);
        Assert.InRange(double.Parse(uneven[4], System.Globalization.CultureInfo.InvariantCulture), 0.5, 10);
        Assert.Empty(outputs[1].ToString());
    }

    [Fact]
    public void Tasks_takes_only_a_list_of_known_cases()
    {
        Assert.Equal(TasksBenchmark.CaseNames, OptionParser.Parse(["tasks"]).TaskCases);
        BenchOptions options = OptionParser.Parse(["tasks", "--cases", "uneven,map_empty"]);
        Assert.Equal(Command.Tasks, options.Command);
        Assert.Equal(["uneven", "map_empty"], options.TaskCases);
        Assert.Equal(["map_1mib"], OptionParser.Parse(["tasks", "--cases=map_1mib"]).TaskCases);
        string error = Assert.Throws<UsageException>(() => OptionParser.Parse(["tasks", "--cases", "map_full"])).Message;
        Assert.Equal("tasks: unknown case 'map_full' in --cases; valid: map_empty,submit_empty,map_1mib,uneven", error);
        Assert.Contains("tasks takes only --cases LIST", Assert.Throws<UsageException>(() => OptionParser.Parse(["tasks", "-m", "4"])).Message);
    }
}
