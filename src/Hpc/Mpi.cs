using Hpc.Bootstrap;

namespace Hpc;

/// <summary>
/// Entry point of the runtime (MPI_Init / MPI_Finalize / MPI_Wtime). Call <see cref="Init"/> once
/// at the start of the program and dispose the session at the end:
/// <code>
/// using MpiSession mpi = Mpi.Init();
/// Communicator world = mpi.World;
/// </code>
/// A program started without <c>mpirun</c> is rank 0 of a world of size 1.
/// </summary>
public static class Mpi
{
    private static readonly object s_lock = new();
    private static MpiSession? s_session;
    private static bool s_finalized;
    private static Exception? s_initFailure;

    /// <summary>
    /// Initializes the runtime: reads the launcher's environment, publishes this rank's endpoint
    /// and connects to every other rank before it returns.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already initialized, or finalized.</exception>
    /// <exception cref="HpcException">Wire-up failed (the message says with which rank or endpoint).</exception>
    public static MpiSession Init()
    {
        lock (s_lock)
        {
            if (s_session is not null)
                throw new InvalidOperationException("Mpi.Init was already called; use Mpi.World or the session it returned.");
            if (s_finalized)
                throw new InvalidOperationException("the runtime was finalized; Mpi.Init cannot be called again.");
            RankRuntime runtime;
            MpiSession session;
            try
            {
                runtime = RankRuntime.Start(JobEnvironment.FromEnvironment(), RuntimeOptions.FromEnvironment());
                session = new MpiSession(runtime, OnFinalized);
            }
            catch (Exception e)
            {
                // Left uncaught, it would end the rank with a stack trace and SIGABRT; report it as one line instead.
                s_initFailure = e;
                AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
                throw;
            }
            s_session = session;
            AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
            return s_session;
        }
    }

    /// <summary>
    /// A rank that crashes must not wait in the finalize barrier on its way out (a `using`
    /// disposes the session while the exception unwinds): it exits at once with code 1, and
    /// the launcher ends the job naming this rank.
    /// </summary>
    private static void OnUnhandledException(object sender, UnhandledExceptionEventArgs e)
    {
        MpiSession? session;
        lock (s_lock)
            session = s_session;
        if (session is null)
        {
            // The program let a failed Init end it: one line naming the rank, exit 1 (as MPI_ERRORS_ARE_FATAL).
            if (e.ExceptionObject is Exception failure && ReferenceEquals(failure, s_initFailure))
            {
                // mpirun's rank, else torchrun's, else the Slurm task's (the names JobEnvironment reads).
                string rank = ProcessEnvironment.Lookup(JobEnvironment.RankVariable) ?? ProcessEnvironment.Lookup("RANK")
                    ?? ProcessEnvironment.Lookup("SLURM_PROCID") ?? "0";
                Console.Error.WriteLine($"hpc: rank {rank}: Mpi.Init failed: {failure.Message}");
                Console.Error.Flush();
                Environment.Exit(1);
            }
            return;
        }
        if (e.ExceptionObject is CollectiveMismatchException mismatch)
            session.Runtime.Fail(mismatch.Message); // one line, printed once by mpirun; exits 1
        Console.Error.WriteLine($"hpc: rank {session.World.Rank}: unhandled {e.ExceptionObject}");
        Console.Error.Flush();
        Console.Out.Flush();
        Environment.Exit(1);
    }

    private static void OnFinalized()
    {
        lock (s_lock)
        {
            s_session = null;
            s_finalized = true;
        }
    }

    /// <summary>True between <see cref="Init"/> and the session's disposal (MPI_Initialized).</summary>
    public static bool IsInitialized
    {
        get { lock (s_lock) return s_session is not null; }
    }

    /// <summary>True once the session has been disposed (MPI_Finalized).</summary>
    public static bool IsFinalized
    {
        get { lock (s_lock) return s_finalized; }
    }

    /// <summary>The communicator of every rank in the job (MPI_COMM_WORLD).</summary>
    /// <exception cref="InvalidOperationException">The runtime is not initialized.</exception>
    public static Communicator World => Session.World;

    /// <summary>The communicator holding only this rank (MPI_COMM_SELF).</summary>
    public static Communicator Self => Session.Self;

    /// <summary>
    /// The intercommunicator to the processes that spawned this world (MPI_Comm_get_parent; see
    /// <see cref="Communicator.Spawn(string, string[], int, int)"/>), or null when mpirun started it.
    /// </summary>
    public static Intercommunicator? Parent => Session.Parent;

    private static MpiSession Session
    {
        get
        {
            lock (s_lock)
                return s_session ?? throw new InvalidOperationException("call Mpi.Init() first.");
        }
    }

    /// <summary>Wall-clock time in seconds since an arbitrary origin, high resolution (MPI_Wtime).</summary>
    public static double Wtime() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    /// <summary>Resolution of <see cref="Wtime"/> in seconds (MPI_Wtick).</summary>
    public static double Wtick => 1.0 / Stopwatch.Frequency;

    /// <summary>Name of the host this rank runs on (MPI_Get_processor_name).</summary>
    public static string ProcessorName => MachineIdentity.HostName;
}

/// <summary>
/// An initialized runtime. Disposing it finalizes (MPI_Finalize): it waits until every rank has
/// reached finalization, so no message in flight is lost, then closes all connections.
/// </summary>
public sealed class MpiSession : IDisposable
{
    private readonly RankRuntime _runtime;
    private readonly Action _onFinalized;
    private int _disposed;

    internal MpiSession(RankRuntime runtime, Action onFinalized)
    {
        _runtime = runtime;
        _onFinalized = onFinalized;
        World = new Communicator(runtime, RankRuntime.WorldContext, RankRuntime.AllRanks(runtime.WorldSize), runtime.WorldRank, "world");
        Self = new Communicator(runtime, RankRuntime.SelfContext, [runtime.WorldRank], 0, "self");
        // A spawned world connects to its parents before Init returns: they wait in Spawn meanwhile.
        Parent = runtime.Job.SpawnId is null ? null : DynamicProcesses.ConnectToParents(World);
    }

    /// <summary>The intercommunicator to the parents of a spawned world, or null (MPI_Comm_get_parent).</summary>
    public Intercommunicator? Parent { get; }

    /// <summary>The communicator of every rank in the job (MPI_COMM_WORLD).</summary>
    public Communicator World { get; }

    /// <summary>The communicator holding only this rank (MPI_COMM_SELF).</summary>
    public Communicator Self { get; }

    internal RankRuntime Runtime => _runtime;

    /// <summary>Host name of the rank with world rank <paramref name="worldRank"/>.</summary>
    public string HostOf(int worldRank) => _runtime.Hosts[worldRank];

    /// <summary>Finalizes: a barrier over the world, then every connection closes.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            // Wall time of the profile ends where Finalize starts, as mpiP's does.
            _runtime.SendDiagnostics();
            FinalizeBarrier();
        }
        finally
        {
            _runtime.Dispose();
            _onFinalized();
        }
    }

    private void FinalizeBarrier()
    {
        // Finalize is collective: nobody closes its links while a peer may still be reading
        // a message from it.
        World.Barrier();
    }
}
