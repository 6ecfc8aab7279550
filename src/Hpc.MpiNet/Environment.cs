#nullable disable
namespace MPI
{
    /// <summary>The level of threading support a program asks for (MPI_THREAD_*).</summary>
    public enum Threading
    {
        /// <summary>One thread only.</summary>
        Single,

        /// <summary>Several threads; only the main thread calls MPI.</summary>
        Funneled,

        /// <summary>Several threads call MPI, never two at once.</summary>
        Serialized,

        /// <summary>Any thread calls MPI at any time. Hpc always provides this level.</summary>
        Multiple,
    }

    /// <summary>
    /// Initialization, finalization and environment queries (MPI_Init, MPI_Finalize, MPI_Wtime, …).
    /// <code>
    /// using (new MPI.Environment(ref args))
    /// {
    ///     Intracommunicator world = Communicator.world;
    ///     Console.WriteLine($"rank {world.Rank} of {world.Size}");
    /// }
    /// </code>
    /// or <c>MPI.Environment.Run(ref args, world =&gt; { … });</c>. Start the program with
    /// <c>dotnet mpirun -np N</c>; started alone it is rank 0 of 1.
    /// </summary>
    /// <remarks>
    /// As in MPI.NET, the first environment initializes Hpc and sets <see cref="Communicator.world"/>
    /// and <see cref="Communicator.self"/>, a later one while MPI runs does nothing, and the first
    /// <see cref="Dispose"/> of any of them finalizes; after that every <c>new Environment</c>
    /// throws <see cref="ObjectDisposedException"/> (MPI cannot be initialized twice) and disposing
    /// the others does nothing. If the program already called <c>Hpc.Mpi.Init()</c>, the
    /// environment adopts that session and leaves finalizing it to its owner. The
    /// <c>args</c> are not read or changed: Hpc receives its configuration from <c>dotnet mpirun</c>
    /// through the environment.
    /// </remarks>
    public class Environment : IDisposable
    {
        private static readonly object s_lock = new();
        private static Hpc.MpiSession s_session;
        private static bool s_initialized;
        private static bool s_finalized;
        private static Thread s_mainThread;
        private static Threading s_threading = Threading.Multiple;

        /// <summary>Initializes MPI (once per process; a later environment while MPI runs does nothing).</summary>
        /// <param name="args">The program's arguments; accepted for MPI.NET compatibility and left unchanged.</param>
        /// <exception cref="ObjectDisposedException">MPI was already finalized in this process.</exception>
        public Environment(ref string[] args) : this(ref args, Threading.Serialized) { }

        /// <summary>Initializes MPI with a requested threading level (Hpc provides <see cref="MPI.Threading.Multiple"/>).</summary>
        /// <param name="args">The program's arguments; accepted for MPI.NET compatibility and left unchanged.</param>
        /// <param name="threading">The level the program needs; any level is satisfied.</param>
        /// <exception cref="ObjectDisposedException">MPI was already finalized in this process.</exception>
        public Environment(ref string[] args, Threading threading)
        {
            _ = args;
            _ = threading;
            lock (s_lock)
            {
                if (s_finalized || Hpc.Mpi.IsFinalized)
                    throw new ObjectDisposedException(nameof(Environment), "MPI was already finalized in this process; it cannot be initialized again.");
                if (!s_initialized)
                    Initialize();
            }
        }

        private static void Initialize()
        {
            Hpc.Communicator world, self;
            if (Hpc.Mpi.IsInitialized)
            {
                world = Hpc.Mpi.World;
                self = Hpc.Mpi.Self;
            }
            else
            {
                s_session = Hpc.Mpi.Init();
                world = s_session.World;
                self = s_session.Self;
            }
            Communicator.world = Intracommunicator.Wrap(world, predefined: true);
            Communicator.self = Intracommunicator.Wrap(self, predefined: true);
            // A spawned world's side of the parents' Spawn: made now, as the parents wait for it.
            Communicator.SetParent(Hpc.Mpi.Parent is { } parent ? Intercommunicator.FromSpawn(parent, world) : null);
            s_mainThread = Thread.CurrentThread;
            s_initialized = true;
        }

        /// <summary>
        /// Finalizes MPI (a barrier over all processes, then every connection closes), as MPI.NET
        /// does on the first Dispose of any environment; once finalized, Dispose does nothing.
        /// </summary>
        public void Dispose()
        {
            Hpc.MpiSession session = null;
            lock (s_lock)
            {
                if (s_session is not null)
                {
                    session = s_session;
                    s_session = null;
                    s_finalized = true;
                }
            }
            GC.SuppressFinalize(this);
            session?.Dispose();
        }

        /// <summary>
        /// Initializes MPI, runs <paramref name="action"/> with the world communicator and finalizes.
        /// An exception from <paramref name="action"/> is printed and ends every process
        /// (<see cref="Abort"/> with code 1) instead of leaving the others waiting.
        /// </summary>
        public static void Run(Action<Intracommunicator> action, bool cleanupEnvironment = true)
        {
            string[] args = null;
            Run(ref args, Threading.Serialized, action, cleanupEnvironment);
        }

        /// <summary>
        /// Initializes MPI, runs <paramref name="action"/> with the world communicator and finalizes;
        /// see <see cref="Run(Action{Intracommunicator}, bool)"/>.
        /// </summary>
        public static void Run(ref string[] args, Action<Intracommunicator> action, bool cleanupEnvironment = true) =>
            Run(ref args, Threading.Serialized, action, cleanupEnvironment);

        /// <summary>
        /// Initializes MPI, runs <paramref name="action"/> with the world communicator and, when
        /// <paramref name="cleanupEnvironment"/> is true, finalizes; an exception then ends every
        /// process with code 1. With false, the environment stays open and exceptions propagate.
        /// </summary>
        public static void Run(ref string[] args, Threading threading, Action<Intracommunicator> action, bool cleanupEnvironment = true)
        {
            ArgumentNullException.ThrowIfNull(action);
            var environment = new Environment(ref args, threading);
            if (!cleanupEnvironment)
            {
                action(Communicator.world);
                return;
            }
            try
            {
                action(Communicator.world);
                environment.Dispose();
            }
            catch (Exception exception)
            {
                try
                {
                    Console.Error.WriteLine(exception);
                }
                catch (Exception)
                {
                    Console.Error.WriteLine($"{exception.GetType().Name}: {exception.Message}");
                }
                Abort(1);
            }
        }

        /// <summary>True once MPI has been initialized in this process (it stays true after finalization, as MPI_Initialized).</summary>
        public static bool Initialized
        {
            get
            {
                lock (s_lock)
                    return s_initialized || Hpc.Mpi.IsInitialized || Hpc.Mpi.IsFinalized;
            }
        }

        /// <summary>True once MPI has been finalized (MPI_Finalized).</summary>
        public static bool Finalized
        {
            get
            {
                lock (s_lock)
                    return s_finalized || Hpc.Mpi.IsFinalized;
            }
        }

        /// <summary>The threading level provided: always <see cref="MPI.Threading.Multiple"/> (every Hpc call is thread-safe).</summary>
        public static Threading Threading => s_threading;

        /// <summary>True on the thread that initialized MPI.</summary>
        public static bool IsMainThread => ReferenceEquals(Thread.CurrentThread, s_mainThread);

        /// <summary>Name of the host this process runs on (MPI_Get_processor_name).</summary>
        public static string ProcessorName => Hpc.Mpi.ProcessorName;

        /// <summary>Seconds since an arbitrary time in the past, high resolution (MPI_Wtime).</summary>
        public static double Time => Hpc.Mpi.Wtime();

        /// <summary>Resolution of <see cref="Time"/> in seconds (MPI_Wtick).</summary>
        public static double TimeResolution => Hpc.Mpi.Wtick;

        /// <summary>False: each process's <see cref="Time"/> has its own origin (MPI_WTIME_IS_GLOBAL).</summary>
        public static bool IsTimeGlobal => false;

        /// <summary>The largest tag a message may carry (MPI_TAG_UB): <see cref="int.MaxValue"/>.</summary>
        public static int MaxTag => int.MaxValue;

        /// <summary>The rank of the host process: null, there is none (MPI_HOST).</summary>
        public static int? HostRank => null;

        /// <summary>Every process can do I/O: <see cref="Communicator.anySource"/> (MPI_IO).</summary>
        public static int? IORank => Communicator.anySource;

        /// <summary>
        /// Ends every process of the job with exit code <paramref name="errorCode"/> (MPI_Abort);
        /// <c>dotnet mpirun</c> reports which rank aborted. Before initialization it ends this process only.
        /// </summary>
        public static void Abort(int errorCode)
        {
            Intracommunicator world = Communicator.world;
            if (world is not null && !Finalized)
                world.Abort(errorCode);
            Console.Out.Flush();
            Console.Error.Flush();
            System.Environment.Exit(errorCode);
        }
    }
}
