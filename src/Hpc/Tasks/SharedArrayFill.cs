namespace Hpc.Tasks;

/// <summary>
/// Writes the data of <see cref="Communicator.BroadcastShared{T}(int, int, SharedArrayFill{T})"/>
/// on the root, straight into its host's shared block (e.g. reads a file into it), so not even the
/// root holds a private copy.
/// </summary>
/// <param name="block">The root host's block, zero-filled, of the requested length.</param>
public delegate void SharedArrayFill<T>(Span<T> block) where T : unmanaged;
