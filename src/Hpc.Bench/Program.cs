using Hpc.Bench.Cli;
using Hpc.Bench.Compare;
using Hpc.Bench.Run;
using Hpc.Bench.Tune;

namespace Hpc.Bench;

/// <summary>
/// hpc-bench's entry point: parse the command line (before wire-up, so a typo costs no job
/// start-up), then run a benchmark or a tuning sweep under mpirun, or compare result files offline.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = OptionParser.Parse(args);
        }
        catch (UsageException e)
        {
            // Every rank parses the same arguments; one message is enough. The others wait a
            // moment before failing: mpirun ends the job at the first failed rank, and rank 0,
            // still starting, could be stopped before its message is out.
            if (Environment.GetEnvironmentVariable("HPC_RANK") is null or "0")
                Console.Error.WriteLine($"hpc-bench: {e.Message}");
            else
                Thread.Sleep(1000);
            return 2;
        }

        try
        {
            switch (options.Command)
            {
                case Command.Help:
                    Console.WriteLine(Usage.Text);
                    return 0;
                case Command.Compare:
                    return CompareCommand.Run(options, Console.Out);
                case Command.Load:
                    return LoadGenerator.Run(options.Load, Console.In, Console.Out);
            }
            using MpiSession mpi = Mpi.Init();
            if (options.Command == Command.Tasks)
                return new Tasks.TasksBenchmark(mpi.World, new Tasks.TaskCaseSizes(), options.TaskCases, Console.Out).Run();
            return options.Command == Command.Tune
                ? new TuneCommand(mpi.World, options, Console.Out, Console.Error).Run()
                : new BenchmarkRunner(mpi.World, options, Console.Out, Console.Error).Run().ExitCode;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"hpc-bench: {e.Message}");
            return 2;
        }
    }
}
