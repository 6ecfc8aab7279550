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
        InheritedSignals.Restore();
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

        var programs = new List<ResolvedProgram>(spec.Apps.Count);
        JobNetwork network;
        IReadOnlyList<CpuSet> binding;
        try
        {
            SettingsCheck.Validate(spec, Environment.GetEnvironmentVariable);
            // An MPMD job naming one project twice builds it once.
            var resolved = new Dictionary<string, ResolvedProgram>(StringComparer.Ordinal);
            foreach (JobProgram app in spec.Apps)
            {
                if (!resolved.TryGetValue(app.Program, out ResolvedProgram? program))
                {
                    program = ProgramResolver.Resolve(app.Program, log,
                        output => sink.WriteLines(OutputStream.Stderr, default, Encoding.UTF8.GetBytes(output.EndsWith('\n') ? output : output + "\n")));
                    resolved[app.Program] = program;
                }
                programs.Add(program);
            }
            network = JobNetwork.For(spec);
            int localRanks = spec.Placement is { } placement
                ? Enumerable.Range(0, spec.Ranks).Count(rank => network.IsLocal[placement.HostIndexOf(rank)])
                : spec.Ranks;
            binding = CpuBinding.Plan(spec.Binding?.Target ?? BindTo.Auto, localRanks, spec.Oversubscribe);
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

        Job job;
        try
        {
            job = new Job(spec, programs, sink, network, binding);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            sink.Message($"cannot write to --output-filename '{spec.Output.Directory}': {e.Message}");
            return UsageException.ExitCode;
        }
        using (job)
        {
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
}
