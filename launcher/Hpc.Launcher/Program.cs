using System.Text;

namespace Hpc.Launcher;

/// <summary>
/// <c>dotnet mpirun</c>: parse the command line, resolve (and if needed build) the program once,
/// run the job, and exit with the job's code. Every expected failure is one <c>mpirun: ...</c>
/// line on stderr; a stack trace means a bug in the launcher.
/// </summary>
internal static class Program
{
    internal static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == DaemonCommand.Flag)
            return Daemon.Run(args[1..]);

        using OutputSink sink = OutputSink.ForConsole();

        CommandLineOutcome outcome;
        try
        {
            outcome = CommandLineParsing.Parse(args, Environment.GetEnvironmentVariable);
        }
        catch (UsageException e)
        {
            sink.Message(e.Message);
            return UsageException.ExitCode;
        }
        if (outcome is ShowText show)
        {
            sink.Print(show.Text);
            return 0;
        }

        var run = (RunJob)outcome;
        foreach (string warning in run.Warnings)
            sink.Message(warning);
        JobSpec spec = run.Spec;
        Action<string> log = spec.Verbose ? sink.Message : static _ => { };

        ResolvedProgram program;
        try
        {
            program = ProgramResolver.Resolve(spec.Program, log,
                output => sink.WriteLines(OutputStream.Stderr, default, Encoding.UTF8.GetBytes(output.EndsWith('\n') ? output : output + "\n")));
        }
        catch (UsageException e)
        {
            sink.Message(e.Message);
            return UsageException.ExitCode;
        }
        catch (BuildFailedException e)
        {
            sink.Message(e.Message);
            return e.ExitCode;
        }

        JobNetwork network;
        try
        {
            network = JobNetwork.For(spec);
        }
        catch (UsageException e)
        {
            sink.Message(e.Message);
            return UsageException.ExitCode;
        }

        using var job = new Job(spec, program, sink, network);
        // A crash on some other thread skips every finally block: kill the ranks from here.
        AppDomain.CurrentDomain.UnhandledException += (_, _) => job.EmergencyKill();
        try
        {
            return job.Run();
        }
        catch (Exception e)
        {
            sink.Message($"internal error, the job was terminated: {e}");
            return 1;
        }
    }
}
