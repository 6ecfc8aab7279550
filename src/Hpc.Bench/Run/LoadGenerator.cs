using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Hpc.Bench.Run;

/// <summary>
/// CPU-bound load beside a benchmark, to measure with busy cores (issue 15's contention
/// figures). <c>hpc-bench load N</c> runs N spinning threads in its own process until its stdin
/// reaches end of file; whoever starts it holds the write end of that pipe, so the load ends
/// when its owner closes it or dies in any way (Ctrl-C, SIGKILL, a failed rank), with nothing
/// left to clean up. <c>--load N</c> starts it from rank 0; the bench scripts start the same
/// command beside Open MPI's runs, so both runtimes see the same load.
/// </summary>
internal static class LoadGenerator
{
    /// <summary>What the load process prints once its threads spin.</summary>
    public const string ReadyLine = "hpc-bench load: ready";

    /// <summary>The load itself: <paramref name="threads"/> spinning threads until stdin closes. Returns the exit code.</summary>
    public static int Run(int threads, TextReader stdin, TextWriter stdout)
    {
        var stop = new StrongBox<bool>();
        Thread[] spinners = [.. Enumerable.Range(0, threads).Select(t => new Thread(() => Spin(stop)) { IsBackground = true, Name = $"load {t}" })];
        foreach (Thread spinner in spinners)
            spinner.Start();
        stdout.WriteLine(ReadyLine);
        stdout.Flush();
        // Blocks until the owner closes the pipe (or exits); what it writes is ignored.
        while (stdin.ReadLine() is not null)
        {
        }
        Volatile.Write(ref stop.Value, true);
        foreach (Thread spinner in spinners)
            spinner.Join();
        return 0;
    }

    private static void Spin(StrongBox<bool> stop)
    {
        // Integer work the JIT cannot remove: the value escapes through a volatile write.
        ulong x = 88172645463325252UL;
        while (!Volatile.Read(ref stop.Value))
        {
            for (int i = 0; i < 1_000_000; i++)
            {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
            }
            Volatile.Write(ref s_sink, x);
        }
    }

    private static ulong s_sink;

    /// <summary>Starts <c>hpc-bench load <paramref name="threads"/></c> and waits until it spins.</summary>
    /// <exception cref="InvalidOperationException">The load process did not start or did not report ready.</exception>
    public static LoadProcess Start(int threads)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        string? self = Environment.ProcessPath;
        string dll = typeof(LoadGenerator).Assembly.Location;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "hpc-bench")
        {
            start.FileName = self;
        }
        else
        {
            // Run by the dotnet host (or from a test host): run the dll the same way.
            start.FileName = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
            start.ArgumentList.Add(dll);
        }
        start.ArgumentList.Add(Cli.OptionParser.LoadCommandName);
        start.ArgumentList.Add(threads.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Process process = Process.Start(start) ?? throw new InvalidOperationException("--load: the load process did not start");
        var load = new LoadProcess(process);
        Task<string?> ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(30)) || ready.Result != ReadyLine)
        {
            load.Dispose();
            throw new InvalidOperationException($"--load: the load process ({start.FileName}) did not report ready");
        }
        return load;
    }
}

/// <summary>A running <c>hpc-bench load</c>; disposing it ends the load (closing its stdin, then killing it if it lingers).</summary>
internal sealed class LoadProcess(Process process) : IDisposable
{
    private int? _exitCode;

    public int ProcessId { get; } = process.Id;

    /// <summary>Ends the load; returns its exit code (0 when it ended by itself at the end of its input).</summary>
    public int Stop()
    {
        if (_exitCode is { } code)
            return code;
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The pipe broke because the process already exited.
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        _exitCode = process.ExitCode;
        process.Dispose();
        return _exitCode.Value;
    }

    public void Dispose() => Stop();
}
